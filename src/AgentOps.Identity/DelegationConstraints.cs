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

    /// <summary>Reads a constraints object; the reader is on its start and is left on its end.</summary>
    /// <param name="problem">The first member this verifier cannot enforce, phrased to follow where it was found.</param>
    internal static DelegationConstraints? Read(ref StrictJsonReader reader, out string? problem)
    {
        problem = null;
        long? maxDuration = null;
        while (reader.ReadMember())
        {
            var isMaxDuration = reader.NameIs("max_duration"u8);
            var name = isMaxDuration ? MaxDurationMember : reader.GetName();
            reader.ReadValue();
            if (isMaxDuration && reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var seconds) && seconds > 0)
            {
                maxDuration = seconds;
                continue;
            }
            // A constraint this verifier cannot enforce must not be silently ignored.
            problem ??= isMaxDuration
                ? $"'{MaxDurationMember}' must be a positive whole number of seconds"
                : $"'{Truncate(name)}' is not supported by this verifier";
            reader.SkipValue();
        }
        return problem is null ? new DelegationConstraints(maxDuration) : null;
    }

    private static string Truncate(string text) => text.Length <= 64 ? text : text[..64] + "…";
}
