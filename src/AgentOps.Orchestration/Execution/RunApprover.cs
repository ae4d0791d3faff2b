using AgentOps.Core;
using AgentOps.Guardrails.Layers;

namespace AgentOps.Orchestration.Execution;

/// <summary>
/// <c>agentops approve</c>: a human other than the requester approves a paused run's exact plan digest,
/// and the run resumes at the step that paused.
/// </summary>
public sealed class RunApprover(IRunStore runs, IApprovalStore approvals, IAuditLog audit, PlanExecutor executor, TimeProvider timeProvider)
{
    public async Task<RunRecord> ApproveAsync(string runId, string approver, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(approver);
        approver = approver.Trim();
        var run = await runs.GetAsync(runId, cancellationToken).ConfigureAwait(false)
            ?? throw new RunActionRefusedException("runs.not-found", $"There is no run '{runId}'.");
        if (run.Status != RunStatus.AwaitingApproval || run.PlanDigest is null)
        {
            throw await RefuseAsync(run, approver, "approval.not-waiting", $"Run {runId} is {run.Status}, not waiting for approval.").ConfigureAwait(false);
        }
        if (PrincipalName.IsAgent(approver) || !PrincipalName.IsWellFormedHuman(approver))
        {
            throw await RefuseAsync(run, approver, "approval.no-agent", $"'{approver}' is an agent identity; only humans approve.").ConfigureAwait(false);
        }
        if (PrincipalName.Same(approver, run.Requester))
        {
            throw await RefuseAsync(run, approver, "approval.no-self-approval", $"'{approver}' requested run {runId} and cannot approve it.").ConfigureAwait(false);
        }
        await approvals.GrantAsync(new RunApproval(run.Id, run.PlanDigest, approver, timeProvider.GetUtcNow()), cancellationToken).ConfigureAwait(false);
        await audit.AppendAsync(new AuditEntry(run.Id, approver, [], "run/approve", AuditLayer.Digest(run.PlanDigest),
            [new LayerDecision("L3.approval", Verdict.Allow, "approval.granted", $"{approver} approved {run.PlanDigest}")], "approved"), cancellationToken).ConfigureAwait(false);
        // Two approvers at once must not both resume the run: only the one that moves it out of AwaitingApproval does.
        if (!await runs.TryTransitionAsync(run.Id, RunStatus.AwaitingApproval, RunStatus.Running, timeProvider.GetUtcNow(), cancellationToken).ConfigureAwait(false))
        {
            throw new RunActionRefusedException("approval.not-waiting", $"Run {runId} was resumed by another approval in the meantime.");
        }
        return await executor.ExecuteAsync(run with { Status = RunStatus.Running }, cancellationToken).ConfigureAwait(false);
    }

    private async Task<RunActionRefusedException> RefuseAsync(RunRecord run, string approver, string rule, string reason)
    {
        await audit.AppendAsync(new AuditEntry(run.Id, approver, [], "run/approve", AuditLayer.Digest(run.PlanDigest ?? run.Id),
            [new LayerDecision("L3.approval", Verdict.Deny, rule, reason)], "refused")).ConfigureAwait(false);
        return new RunActionRefusedException(rule, reason);
    }
}

/// <summary>A human action on a run (approve, roll back) was refused by a rule; <see cref="Rule"/> names it.</summary>
public sealed class RunActionRefusedException(string rule, string message) : InvalidOperationException(message)
{
    public string Rule { get; } = rule;
}
