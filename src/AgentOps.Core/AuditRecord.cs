namespace AgentOps.Core;

/// <summary>
/// One entry of the tamper-evident audit log. <see cref="Hash"/> is SHA-256 over the canonical JSON of
/// every other field including <see cref="PrevHash"/>, so changing, deleting or reordering a record breaks the chain.
/// </summary>
public sealed record AuditRecord(
    long Sequence,
    DateTimeOffset Time,
    string RunId,
    string Actor,
    IReadOnlyList<string> DelegationChain,
    string Action,
    string ArgumentDigest,
    IReadOnlyList<LayerDecision> Decisions,
    string Outcome,
    string? ResultDigest,
    string PrevHash,
    string Hash);

/// <summary>What one guardrail layer said about one action.</summary>
public sealed record LayerDecision(string Layer, Verdict Verdict, string Rule, string Reason);

public enum Verdict
{
    Allow,
    Deny,
    /// <summary>The action may go ahead only after a human approves it.</summary>
    Pause,
}
