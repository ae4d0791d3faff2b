namespace AgentOps.Core;

/// <summary>A human's approval of one run's plan. It holds for exactly one plan digest.</summary>
/// <param name="BreakGlass">An emergency approval: it bypasses ownership and N-of-M, but needs two humans and a reason.</param>
/// <param name="Reason">Why the glass was broken; required when <paramref name="BreakGlass"/> is true.</param>
public sealed record RunApproval(string RunId, string PlanDigest, string Approver, DateTimeOffset ApprovedAt, bool BreakGlass = false, string? Reason = null);

public interface IApprovalStore
{
    Task GrantAsync(RunApproval approval, CancellationToken cancellationToken = default);

    Task<RunApproval?> FindAsync(string runId, string planDigest, CancellationToken cancellationToken = default);

    /// <summary>Every approval of this run's plan digest, oldest first; approvals of any other digest are not returned.</summary>
    Task<IReadOnlyList<RunApproval>> ListAsync(string runId, string planDigest, CancellationToken cancellationToken = default);
}
