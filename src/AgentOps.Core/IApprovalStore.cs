namespace AgentOps.Core;

/// <summary>A human's approval of one run's plan. It holds for exactly one plan digest.</summary>
public sealed record RunApproval(string RunId, string PlanDigest, string Approver, DateTimeOffset ApprovedAt);

public interface IApprovalStore
{
    Task GrantAsync(RunApproval approval, CancellationToken cancellationToken = default);

    Task<RunApproval?> FindAsync(string runId, string planDigest, CancellationToken cancellationToken = default);
}
