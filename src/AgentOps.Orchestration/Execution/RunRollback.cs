using AgentOps.Core;
using AgentOps.Guardrails.Layers;

namespace AgentOps.Orchestration.Execution;

/// <summary>
/// <c>agentops runs rollback</c>: a human undoes a run that will not finish. Agents may not; a merged change is not
/// undone this way (that needs a revert through review); a run that may still be executing is left alone unless forced.
/// Every attempt, allowed or refused, is audited with who asked.
/// </summary>
public sealed class RunRollback(IRunStore runs, IPullRequestStore pullRequests, IAuditLog audit, PlanExecutor executor, TimeProvider timeProvider)
{
    /// <summary>How long a run marked Running is presumed to belong to a live process.</summary>
    public static readonly TimeSpan StaleAfter = TimeSpan.FromMinutes(10);

    public async Task<RunRecord> RollBackAsync(string runId, string actor, bool force, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(actor);
        actor = actor.Trim();
        var run = await runs.GetAsync(runId, cancellationToken).ConfigureAwait(false)
            ?? throw new RunActionRefusedException("runs.not-found", $"There is no run '{runId}'.");
        if (PrincipalName.IsAgent(actor) || !PrincipalName.IsWellFormedHuman(actor))
        {
            throw await RefuseAsync(run, actor, "runs.rollback.no-agent", $"'{actor}' is an agent identity; only humans roll runs back.", cancellationToken).ConfigureAwait(false);
        }
        var merged = await pullRequests.ListAsync(null, PullRequestState.Merged, cancellationToken).ConfigureAwait(false);
        if (merged.FirstOrDefault(p => p.RunId == run.Id) is { } pr)
        {
            throw await RefuseAsync(run, actor, "runs.rollback.merged",
                $"Pull request #{pr.Number} of run {run.Id} is already merged; undo it with a revert pull request, not a rollback.", cancellationToken).ConfigureAwait(false);
        }
        if (run.Status is not (RunStatus.Running or RunStatus.Failed or RunStatus.AwaitingApproval or RunStatus.AwaitingReview))
        {
            throw await RefuseAsync(run, actor, "runs.rollback.state", $"Run {run.Id} is {run.Status}; only a running, failed, paused or unreviewed run can be rolled back.", cancellationToken).ConfigureAwait(false);
        }
        if (run.Status == RunStatus.Running && !force && timeProvider.GetUtcNow() - run.UpdatedAt < StaleAfter)
        {
            throw await RefuseAsync(run, actor, "runs.rollback.live", $"Run {run.Id} was updated at {run.UpdatedAt:O} and may still be running; wait or pass --force.", cancellationToken).ConfigureAwait(false);
        }
        await audit.AppendAsync(new AuditEntry(run.Id, actor, [], "run/rollback", AuditLayer.Digest(run.Id),
            [new LayerDecision("L5.rollback", Verdict.Allow, "runs.rollback.requested", $"{actor} asked to roll back run {run.Id}")], "allowed"), cancellationToken).ConfigureAwait(false);
        return await executor.RollBackAsync(run, $"rolled back by {actor}", cancellationToken).ConfigureAwait(false);
    }

    private async Task<RunActionRefusedException> RefuseAsync(RunRecord run, string actor, string rule, string reason, CancellationToken cancellationToken)
    {
        await audit.AppendAsync(new AuditEntry(run.Id, actor, [], "run/rollback", AuditLayer.Digest(run.Id),
            [new LayerDecision("L5.rollback", Verdict.Deny, rule, reason)], "refused"), cancellationToken).ConfigureAwait(false);
        return new RunActionRefusedException(rule, reason);
    }
}
