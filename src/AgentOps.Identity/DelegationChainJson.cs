using System.Text.Json.Nodes;

namespace AgentOps.Identity;

/// <summary>Writes and reads the OIDC-A <c>delegation_chain</c> claim.</summary>
internal static class DelegationChainJson
{
    public const string ClaimName = "delegation_chain";

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
