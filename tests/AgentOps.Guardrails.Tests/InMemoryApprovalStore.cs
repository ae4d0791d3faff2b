using AgentOps.Core;

namespace AgentOps.Guardrails.Tests;

/// <summary>A fake approval store at the <see cref="IApprovalStore"/> seam.</summary>
internal sealed class InMemoryApprovalStore : IApprovalStore
{
    private readonly List<RunApproval> _approvals = [];

    public Task GrantAsync(RunApproval approval, CancellationToken cancellationToken = default)
    {
        _approvals.Add(approval);
        return Task.CompletedTask;
    }

    public Task<RunApproval?> FindAsync(string runId, string planDigest, CancellationToken cancellationToken = default) =>
        Task.FromResult(_approvals.FirstOrDefault(a => a.RunId == runId && a.PlanDigest == planDigest));

    public Task<IReadOnlyList<RunApproval>> ListAsync(string runId, string planDigest, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<RunApproval>>(_approvals.Where(a => a.RunId == runId && a.PlanDigest == planDigest).ToArray());
}
