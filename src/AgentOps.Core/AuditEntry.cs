namespace AgentOps.Core;

/// <summary>What a caller hands the audit log; the log assigns sequence, time and hashes.</summary>
public sealed record AuditEntry(
    string RunId,
    string Actor,
    IReadOnlyList<string> DelegationChain,
    string Action,
    string ArgumentDigest,
    IReadOnlyList<LayerDecision> Decisions,
    string Outcome,
    string? ResultDigest = null);
