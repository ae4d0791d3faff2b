using System.Text.Json;
using System.Text.Json.Nodes;

namespace AgentOps.Identity;

/// <summary>Writes and reads the OIDC-A <c>delegation_chain</c> claim.</summary>
internal static class DelegationChainJson
{
    public const string ClaimName = "delegation_chain";

    // Exactly the OIDC-A entry members; "constraints" holds only what DelegationConstraints can enforce.
    private static readonly HashSet<string> s_entryMembers = new(StringComparer.Ordinal)
    {
        "iss", "sub", "aud", "delegated_at", "scope", "purpose", "constraints", "jti",
    };

    public static JsonArray ToJson(IEnumerable<DelegationLink> chain) => new(chain.Select(ToJson).ToArray<JsonNode?>());

    /// <summary>The RFC 8693 <c>act</c> claim: the latest delegator outermost, earlier ones nested inside.</summary>
    public static JsonObject ToActClaim(IEnumerable<DelegationLink> chain)
    {
        JsonObject? act = null;
        foreach (var link in chain)
        {
            act = act is null
                ? new JsonObject { ["sub"] = link.Subject }
                : new JsonObject { ["sub"] = link.Subject, ["act"] = act };
        }
        return act ?? throw new ArgumentException("A delegation chain needs at least one link.", nameof(chain));
    }

    public static IReadOnlyList<DelegationLink>? TryRead(JsonElement payload, out string? error)
    {
        if (!payload.TryGetProperty(ClaimName, out var array))
        {
            error = $"claim '{ClaimName}' is missing";
            return null;
        }
        if (array.ValueKind != JsonValueKind.Array || array.GetArrayLength() == 0)
        {
            error = $"claim '{ClaimName}' must be a non-empty array";
            return null;
        }
        var links = new List<DelegationLink>();
        foreach (var entry in array.EnumerateArray())
        {
            var index = links.Count;
            if (entry.ValueKind != JsonValueKind.Object)
            {
                error = $"entry {index} is not a JSON object";
                return null;
            }
            foreach (var member in entry.EnumerateObject())
            {
                if (!s_entryMembers.Contains(member.Name))
                {
                    error = $"entry {index} has unsupported member '{(member.Name.Length <= 64 ? member.Name : member.Name[..64] + "…")}'";
                    return null;
                }
            }
            var reader = new ClaimReader(entry, $"entry {index} member");
            var link = new DelegationLink(
                reader.RequiredString("iss"),
                reader.RequiredString("sub"),
                reader.RequiredString("aud"),
                reader.RequiredNumericDate("delegated_at"),
                reader.RequiredScope("scope"),
                reader.OptionalString("purpose"),
                reader.RequiredString("jti"));
            if (reader.Error is not null)
            {
                error = reader.Error;
                return null;
            }
            if (entry.TryGetProperty("constraints", out var constraints))
            {
                link = link with { Constraints = DelegationConstraints.TryRead(constraints, $"entry {index} constraint", out error) };
                if (error is not null)
                {
                    return null;
                }
            }
            links.Add(link);
        }
        error = null;
        return links;
    }

    private static JsonObject ToJson(DelegationLink link)
    {
        var entry = new JsonObject
        {
            ["iss"] = link.Issuer,
            ["sub"] = link.Subject,
            ["aud"] = link.Audience,
            ["delegated_at"] = link.DelegatedAt.ToUnixTimeSeconds(),
            ["scope"] = link.Scope.ToString(),
        };
        if (link.Purpose is not null)
        {
            entry["purpose"] = link.Purpose;
        }
        if (link.Constraints is { } constraints)
        {
            entry["constraints"] = constraints.ToJson();
        }
        if (link.Jti is not null)
        {
            entry["jti"] = link.Jti;
        }
        return entry;
    }
}
