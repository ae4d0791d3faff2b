using System.Text.Json;
using System.Text.Json.Nodes;

namespace AgentOps.Identity;

/// <summary>
/// OIDC-A <c>delegation_constraints</c>, on the token and on each chain entry. Only constraints this verifier enforces
/// are accepted; any other member is refused rather than silently ignored. <paramref name="MaxDurationSeconds"/> bounds
/// how long the delegation lasts: a token's <c>exp</c> may be no later than <c>delegated_at + max_duration</c> of any
/// hop, and a later hop may only keep or shorten it.
/// </summary>
public sealed record DelegationConstraints(long? MaxDurationSeconds)
{
    public const string MaxDurationMember = "max_duration";

    /// <summary>True when <paramref name="later"/> is no looser than this: every limit here is kept, equal or tighter.</summary>
    public bool IsRelaxedBy(DelegationConstraints? later) =>
        MaxDurationSeconds is { } limit && (later?.MaxDurationSeconds is not { } laterLimit || laterLimit > limit);

    internal JsonObject ToJson()
    {
        var json = new JsonObject();
        if (MaxDurationSeconds is { } seconds)
        {
            json[MaxDurationMember] = seconds;
        }
        return json;
    }

    internal static DelegationConstraints? TryRead(JsonElement constraints, string where, out string? error)
    {
        error = null;
        if (constraints.ValueKind != JsonValueKind.Object)
        {
            error = $"{where} must be a JSON object";
            return null;
        }
        long? maxDuration = null;
        foreach (var member in constraints.EnumerateObject())
        {
            if (member.NameEquals(MaxDurationMember) && member.Value.ValueKind == JsonValueKind.Number &&
                member.Value.TryGetInt64(out var seconds) && seconds > 0)
            {
                maxDuration = seconds;
                continue;
            }
            // A constraint this verifier cannot enforce must not be silently ignored.
            error = member.NameEquals(MaxDurationMember)
                ? $"{where} '{MaxDurationMember}' must be a positive whole number of seconds"
                : $"{where} '{Truncate(member.Name)}' is not supported by this verifier";
            return null;
        }
        return new DelegationConstraints(maxDuration);
    }

    private static string Truncate(string text) => text.Length <= 64 ? text : text[..64] + "…";
}
