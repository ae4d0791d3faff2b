using AgentOps.Core;
using AgentOps.Guardrails.Approvals;
using AgentOps.Guardrails.Layers;

namespace AgentOps.Orchestration.Execution;

/// <summary>
/// <c>agentops approve</c>: a human other than the requester, who owns a path the change touches, approves a paused
/// run's exact plan digest. Once the <see cref="ApprovalQuorum"/> holds (N of M, or a two-person break-glass), the run
/// resumes at the step that paused; until then each approval is recorded and the run keeps waiting.
/// </summary>
public sealed class RunApprover(IRunStore runs, IApprovalStore approvals, IAuditLog audit, PlanExecutor executor, ApprovalPolicy policy, TimeProvider timeProvider)
{
    /// <summary>The audit action of a break-glass approval: distinct from <c>run/approve</c> so it stands out in every export.</summary>
    public const string BreakGlassAction = "run/break-glass";

    public Task<RunRecord> ApproveAsync(string runId, string approver, CancellationToken cancellationToken = default) =>
        DecideAsync(runId, approver, breakGlassReason: null, cancellationToken);

    /// <summary>
    /// An emergency approval that bypasses ownership and N-of-M. It still needs <see cref="ApprovalPolicy.BreakGlassApprovers"/>
    /// distinct humans (never the requester or an agent), each giving a reason, and it is audited as <see cref="BreakGlassAction"/>.
    /// </summary>
    public Task<RunRecord> BreakGlassAsync(string runId, string approver, string reason, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reason);
        return DecideAsync(runId, approver, reason, cancellationToken);
    }

    private async Task<RunRecord> DecideAsync(string runId, string approver, string? breakGlassReason, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(approver);
        approver = approver.Trim();
        var breakGlass = breakGlassReason is not null;
        var action = breakGlass ? BreakGlassAction : "run/approve";
        var run = await runs.GetAsync(runId, cancellationToken).ConfigureAwait(false)
            ?? throw new RunActionRefusedException("runs.not-found", $"There is no run '{runId}'.");
        if (run.Status != RunStatus.AwaitingApproval || run.PlanDigest is null || run.PlanJson is null)
        {
            throw await RefuseAsync(run, approver, action, "approval.not-waiting", $"Run {runId} is {run.Status}, not waiting for approval.", cancellationToken).ConfigureAwait(false);
        }
        if (breakGlass && string.IsNullOrWhiteSpace(breakGlassReason))
        {
            throw await RefuseAsync(run, approver, action, "approval.break-glass-reason", "Breaking the glass needs a reason (--reason).", cancellationToken).ConfigureAwait(false);
        }
        var plan = PlanJson.Deserialize(run.PlanJson);
        var paths = TouchedPaths.Of(plan);
        // Break-glass bypasses ownership, never the four-eyes rules.
        if (ApprovalQuorum.Refusal(policy, run.Requester, approver, breakGlass ? null : paths) is { } refusal)
        {
            throw await RefuseAsync(run, approver, action, refusal.Rule, refusal.Reason, cancellationToken).ConfigureAwait(false);
        }
        var now = timeProvider.GetUtcNow();
        await approvals.GrantAsync(new RunApproval(run.Id, run.PlanDigest, approver, now, breakGlass, breakGlassReason?.Trim()), cancellationToken).ConfigureAwait(false);

        var production = plan.Steps.Any(s => policy.Production.Affects(s, TouchedPaths.Of(s)) is not null);
        var granted = await approvals.ListAsync(run.Id, run.PlanDigest, cancellationToken).ConfigureAwait(false);
        var quorum = ApprovalQuorum.Evaluate(policy, run.Requester, run.PlanDigest, paths, production, granted, now);
        if (!quorum.Met)
        {
            var waiting = breakGlass
                ? $"break-glass by {approver} recorded ({granted.Count(a => a.BreakGlass && now - a.ApprovedAt <= policy.ExpiresAfter)} of {policy.BreakGlassApprovers} approvers); run {run.Id} still waits"
                : $"approval by {approver} recorded ({quorum.Describe()}); run {run.Id} still waits";
            await audit.AppendAsync(new AuditEntry(run.Id, approver, [], action, AuditLayer.Digest(run.PlanDigest),
                [new LayerDecision("L3.approval", Verdict.Pause, breakGlass ? "approval.break-glass-pending" : "approval.quorum-pending", waiting)],
                "pending"), cancellationToken).ConfigureAwait(false);
            return run with { Message = waiting };
        }
        var decision = quorum.BreakGlass
            ? new LayerDecision("L3.approval", Verdict.Allow, "approval.break-glass", $"{quorum.Describe()} for {run.PlanDigest}")
            : new LayerDecision("L3.approval", Verdict.Allow, "approval.granted", $"{string.Join(", ", quorum.Counted.Select(a => a.Approver))} approved {run.PlanDigest}");
        await audit.AppendAsync(new AuditEntry(run.Id, approver, [], quorum.BreakGlass ? BreakGlassAction : action, AuditLayer.Digest(run.PlanDigest),
            [decision], quorum.BreakGlass ? "break-glass" : "approved"), cancellationToken).ConfigureAwait(false);
        // Two approvers at once must not both resume the run: only the one that moves it out of AwaitingApproval does.
        if (!await runs.TryTransitionAsync(run.Id, RunStatus.AwaitingApproval, RunStatus.Running, timeProvider.GetUtcNow(), cancellationToken).ConfigureAwait(false))
        {
            throw new RunActionRefusedException("approval.not-waiting", $"Run {runId} was resumed by another approval in the meantime.");
        }
        return await executor.ExecuteAsync(run with { Status = RunStatus.Running }, cancellationToken).ConfigureAwait(false);
    }

    private async Task<RunActionRefusedException> RefuseAsync(RunRecord run, string approver, string action, string rule, string reason, CancellationToken cancellationToken)
    {
        await audit.AppendAsync(new AuditEntry(run.Id, approver, [], action, AuditLayer.Digest(run.PlanDigest ?? run.Id),
            [new LayerDecision("L3.approval", Verdict.Deny, rule, reason)], "refused"), cancellationToken).ConfigureAwait(false);
        return new RunActionRefusedException(rule, reason);
    }
}

/// <summary>A human action on a run (approve, roll back) was refused by a rule; <see cref="Rule"/> names it.</summary>
public sealed class RunActionRefusedException(string rule, string message) : InvalidOperationException(message)
{
    public string Rule { get; } = rule;
}
