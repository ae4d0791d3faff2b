using System.Security.Cryptography;
using AgentOps.Core;
using AgentOps.Guardrails.Layers;

namespace AgentOps.Orchestration.Execution;

/// <summary>
/// <c>agentops rollback</c>: a human undoes a run. A run that will not finish has its registered compensations run,
/// newest first. A run whose pull request already merged is compensated by a revert pull request: a new run, planned
/// here, executed under the same guardrails and credentials, and reviewed before it reaches main. Agents may not roll
/// back; a run that may still be executing is left alone unless forced. Every attempt, allowed or refused, is audited
/// with who asked.
/// </summary>
public sealed class RunRollback(IRunStore runs, IPullRequestStore pullRequests, IAuditLog audit, PlanExecutor executor, TimeProvider timeProvider)
{
    /// <summary>How long a run marked Running is presumed to belong to a live process.</summary>
    public static readonly TimeSpan StaleAfter = TimeSpan.FromMinutes(10);

    public async Task<RollbackResult> RollBackAsync(string runId, string actor, bool force, CancellationToken cancellationToken = default)
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
            return await RevertAsync(run, pr, actor, cancellationToken).ConfigureAwait(false);
        }
        if (run.Status is not (RunStatus.Running or RunStatus.Failed or RunStatus.AwaitingApproval or RunStatus.AwaitingReview))
        {
            throw await RefuseAsync(run, actor, "runs.rollback.state", $"Run {run.Id} is {run.Status}; only a running, failed, paused or unreviewed run, or one whose pull request merged, can be rolled back.", cancellationToken).ConfigureAwait(false);
        }
        if (run.Status == RunStatus.Running && !force && timeProvider.GetUtcNow() - run.UpdatedAt < StaleAfter)
        {
            throw await RefuseAsync(run, actor, "runs.rollback.live", $"Run {run.Id} was updated at {run.UpdatedAt:O} and may still be running; wait or pass --force.", cancellationToken).ConfigureAwait(false);
        }
        await AllowAsync(run, actor, "runs.rollback.requested", $"{actor} asked to roll back run {run.Id}", cancellationToken).ConfigureAwait(false);
        return new RollbackResult(await executor.RollBackAsync(run, $"rolled back by {actor}", cancellationToken).ConfigureAwait(false), null);
    }

    private async Task<RollbackResult> RevertAsync(RunRecord run, PullRequestRecord pr, string actor, CancellationToken cancellationToken)
    {
        if (pr.MergeCommit is null)
        {
            throw await RefuseAsync(run, actor, "runs.rollback.no-merge-commit", $"Pull request #{pr.Number} is merged but its merge commit is not known; revert it by hand.", cancellationToken).ConfigureAwait(false);
        }
        var dedupKey = RevertPlan.DedupKey(pr);
        if (await runs.FindLiveByDedupKeyAsync(dedupKey, cancellationToken).ConfigureAwait(false) is { } existing)
        {
            throw await RefuseAsync(run, actor, "runs.rollback.revert-exists",
                $"Pull request #{pr.Number} of run {run.Id} is already being reverted by run {existing.Id} ({existing.Status}"
                + (existing.PullRequestId is { } open ? $", pull request #{open})." : ")."), cancellationToken).ConfigureAwait(false);
        }

        var plan = RevertPlan.For(run, pr, actor);
        var now = timeProvider.GetUtcNow();
        var revert = new RunRecord("run-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6)), actor, "rollback",
            $"Revert pull request #{pr.Number} of run {run.Id}", RunStatus.Planned, plan.Skill, PlanJson.Serialize(plan), PlanDigest.Compute(plan),
            0, "{}", dedupKey, null, null, now, now);
        await runs.CreateAsync(revert, cancellationToken).ConfigureAwait(false);
        // The request is recorded on both runs: the merged one names what replaces its undo, the new one where it came from.
        await AllowAsync(run, actor, "runs.rollback.revert", $"{actor} asked to roll back run {run.Id}; pull request #{pr.Number} is merged, so run {revert.Id} opens a revert pull request", cancellationToken).ConfigureAwait(false);
        var intake = await audit.AppendAsync(new AuditEntry(revert.Id, actor, [], "rollback/request", AuditLayer.Digest(revert.GoalText),
            [new LayerDecision("planner", Verdict.Allow, "planner." + plan.Skill, plan.Summary)], "planned"), cancellationToken).ConfigureAwait(false);
        var initial = new RunState();
        initial.NoteAudit(intake.Sequence);
        revert = revert with { StepResultsJson = initial.ToJson() };
        try
        {
            revert = await executor.ExecuteAsync(revert, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // As for a chat run: never leave it "running" for a process that gave up on it, or the dedup key blocks a retry.
            var stored = await runs.GetAsync(revert.Id, cancellationToken).ConfigureAwait(false) ?? revert;
            revert = stored with { Status = RunStatus.Failed, Message = $"the run stopped unexpectedly: {ex.Message}", UpdatedAt = timeProvider.GetUtcNow() };
            await runs.UpdateAsync(revert, cancellationToken).ConfigureAwait(false);
        }
        var note = revert.PullRequestId is { } number
            ? $"pull request #{pr.Number} merged; revert pull request #{number} opened by run {revert.Id} waits for review"
            : $"pull request #{pr.Number} merged; revert run {revert.Id} is {revert.Status}: {revert.Message}";
        run = run with { Message = note, UpdatedAt = timeProvider.GetUtcNow() };
        await runs.UpdateAsync(run, cancellationToken).ConfigureAwait(false);
        return new RollbackResult(run, revert);
    }

    private Task AllowAsync(RunRecord run, string actor, string rule, string reason, CancellationToken cancellationToken) =>
        audit.AppendAsync(new AuditEntry(run.Id, actor, [], "run/rollback", AuditLayer.Digest(run.Id),
            [new LayerDecision("L5.rollback", Verdict.Allow, rule, reason)], "allowed"), cancellationToken);

    private async Task<RunActionRefusedException> RefuseAsync(RunRecord run, string actor, string rule, string reason, CancellationToken cancellationToken)
    {
        await audit.AppendAsync(new AuditEntry(run.Id, actor, [], "run/rollback", AuditLayer.Digest(run.Id),
            [new LayerDecision("L5.rollback", Verdict.Deny, rule, reason)], "refused"), cancellationToken).ConfigureAwait(false);
        return new RunActionRefusedException(rule, reason);
    }
}

/// <param name="Run">The run that was rolled back (RolledBack, or Failed when an undo failed), or, when its pull request had
/// merged, that run unchanged but for a message naming its revert.</param>
/// <param name="Revert">The run that opens the revert pull request, when the change had merged.</param>
public sealed record RollbackResult(RunRecord Run, RunRecord? Revert)
{
    /// <summary>Undone, or a revert pull request opened for review (or paused before it for a human's approval).</summary>
    public bool Succeeded => Revert is null ? Run.Status == RunStatus.RolledBack : Revert.Status is RunStatus.AwaitingReview or RunStatus.AwaitingApproval;
}
