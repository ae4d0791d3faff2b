using System.Security.Cryptography;
using AgentOps.Core;
using AgentOps.Guardrails;
using AgentOps.Guardrails.Layers;
using AgentOps.Orchestration.Execution;
using AgentOps.Planning;

namespace AgentOps.Orchestration.Intake;

/// <summary>
/// A chat request from intake to pull request: screen it (L1), plan it, refuse duplicates, run it.
/// Every way out — refused, asked back, duplicate, executed — leaves an audit record and a run record.
/// </summary>
public sealed class ChatWorkflow(
    RequestScreen screen,
    IPlanner planner,
    IRunStore runs,
    IAuditLog audit,
    PlanExecutor executor,
    TimeProvider timeProvider)
{
    /// <param name="onPlanned">Called with the plan and its digest before anything runs, so a person sees what will happen first.</param>
    public async Task<ChatOutcome> HandleAsync(ChatRequest request, Func<Plan, string, CancellationToken, Task>? onPlanned = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var now = timeProvider.GetUtcNow();
        // What is stored and shown is the request with secret-looking values redacted; the planner reads the original.
        // A request that cannot be redacted (a secret pattern timed out on every attempt) is not stored as written: it
        // is refused, and the run keeps a placeholder, so the refusal is on record without what may be a secret.
        var (storedText, unredactable) = screen.TryRedact(request.Text ?? string.Empty);
        var run = new RunRecord(NewRunId(), request.Requester, request.Channel, storedText, RunStatus.Planned,
            null, null, null, 0, "{}", null, null, null, now, now);
        if (unredactable is not null)
        {
            return await RefuseAsync(run, request, unredactable.Rule, unredactable.Reason, [unredactable], null, cancellationToken).ConfigureAwait(false);
        }

        var screening = screen.Screen(request.Text ?? string.Empty);
        if (screening.Verdict != Verdict.Allow)
        {
            return await RefuseAsync(run, request, screening.Rule, screening.Reason, [screening], null, cancellationToken).ConfigureAwait(false);
        }

        var goal = new Goal(run.Id, request.Requester, request.Text!, request.Channel, run.Id, now);
        var outcome = await planner.PlanAsync(goal, cancellationToken).ConfigureAwait(false);
        // How it was planned (which planner, any fallback, what the model cost) is kept with the run and audited with
        // the request, whatever the outcome: a refused or unclear request may have cost tokens too.
        var planning = PlanningInfo.From(outcome);
        run = run with { StepResultsJson = new RunState { Planning = planning }.ToJson() };
        switch (outcome)
        {
            case PlanningOutcome.Refused refused:
                return await RefuseAsync(run, request, refused.Rule, refused.Reason,
                    [screening, .. planning.Decisions(), new LayerDecision("planner", Verdict.Deny, refused.Rule, refused.Reason)], refused.Parameters, cancellationToken).ConfigureAwait(false) with
                    { Notices = planning.Notices, Usage = planning.Usage };
            case PlanningOutcome.NeedsInput needs:
                return await AskBackAsync(run, request, needs, [screening, .. planning.Decisions()], cancellationToken).ConfigureAwait(false) with
                    { Notices = planning.Notices, Usage = planning.Usage };
        }

        var plan = ((PlanningOutcome.Planned)outcome).Plan;
        var digest = PlanDigest.Compute(plan);
        run = run with { Skill = plan.Skill, PlanJson = PlanJson.Serialize(plan), PlanDigest = digest, DedupKey = DedupKey(plan) };

        if (onPlanned is not null)
        {
            await onPlanned(plan, digest, cancellationToken).ConfigureAwait(false);
        }

        if (run.DedupKey is { } key && await runs.FindLiveByDedupKeyAsync(key, cancellationToken).ConfigureAwait(false) is { } existing)
        {
            var reason = $"duplicate of run {existing.Id} ({existing.Status})" + (existing.PullRequestId is { } pr ? $", pull request #{pr}" : string.Empty);
            var state = existing.Status switch
            {
                RunStatus.AwaitingReview => existing.PullRequestId is { } open ? $", whose pull request #{open} waits for review" : string.Empty,
                RunStatus.Completed => existing.PullRequestId is { } done ? $", whose pull request #{done} was merged" : ", which completed",
                RunStatus.AwaitingApproval => ", which waits for approval",
                _ => $", which is {existing.Status.ToString().ToLowerInvariant()}",
            };
            if (!request.DryRun)
            {
                await RecordAsync(run with { Status = RunStatus.Refused, Message = reason }, request, "duplicate",
                    [screening, .. planning.Decisions(), new LayerDecision("intake", Verdict.Deny, "intake.duplicate", reason)], cancellationToken).ConfigureAwait(false);
            }
            return Outcome(ChatStatus.Duplicate, run, plan,
                $"This request duplicates run {existing.Id}{state}. Nothing new was created.", [], "intake.duplicate")
                with { PullRequest = existing.PullRequestId, RunId = request.DryRun ? null : run.Id };
        }

        if (request.DryRun)
        {
            var preview = await executor.PreviewAsync(run, plan, cancellationToken).ConfigureAwait(false);
            var blocked = preview.FirstOrDefault(d => d.Verdict == Verdict.Deny);
            return Outcome(ChatStatus.Previewed, run, plan, blocked is null
                ? "Dry run: the plan passes the guardrails. Nothing was executed."
                : $"Dry run: step '{blocked.StepId}' would be denied by {blocked.Layer} ({blocked.Rule}). Nothing was executed.", preview, blocked?.Rule)
                with { RunId = null };
        }

        AuditRecord intake;
        try
        {
            intake = await RecordAsync(run, request, "planned",
                [screening, .. planning.Decisions(), new LayerDecision("planner", Verdict.Allow, "planner." + plan.Skill, plan.Summary)], cancellationToken).ConfigureAwait(false);
        }
        catch (DuplicateRunException)
        {
            // Another request for the same resource was recorded between our check and our insert.
            await RecordAsync(run with { Status = RunStatus.Refused, Message = "duplicate of a concurrent run" }, request, "duplicate",
                [screening, new LayerDecision("intake", Verdict.Deny, "intake.duplicate", "a concurrent run for the same resource was recorded first")], cancellationToken).ConfigureAwait(false);
            return Outcome(ChatStatus.Duplicate, run, plan, "This request duplicates a run that was started at the same moment. Nothing new was created.", [], "intake.duplicate");
        }
        // The run's audit range starts at its intake record, so the pull request cites the whole run.
        var initial = new RunState { Planning = planning };
        initial.NoteAudit(intake.Sequence);
        if (screening.Rule == RequestScreen.FlaggedRule)
        {
            // A flagged request goes ahead, but everything planned from it is tainted: its changes wait for a human.
            var scan = screen.Scan(request.Text!);
            initial.Taint[TaintTracker.RequestKey] = new StepTaint(true, true, "flag", scan.Score, scan.Reasons.Select(r => r.Id).ToArray(),
                $"the request was flagged: {scan.Describe()}");
        }
        run = run with { StepResultsJson = initial.ToJson() };
        try
        {
            run = await executor.ExecuteAsync(run, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // A run must never stay "planned" or "running" after its process gave up on it: it would block the same
            // request as a duplicate forever. Marked failed, it can be rolled back and asked for again.
            var stored = await runs.GetAsync(run.Id, cancellationToken).ConfigureAwait(false) ?? run;
            run = stored with { Status = RunStatus.Failed, Message = $"the run stopped unexpectedly: {ex.Message}", UpdatedAt = timeProvider.GetUtcNow() };
            await runs.UpdateAsync(run, cancellationToken).ConfigureAwait(false);
        }
        return FromRun(run, plan);
    }

    public static ChatOutcome FromRun(RunRecord run, Plan plan)
    {
        ArgumentNullException.ThrowIfNull(run);
        var state = RunState.FromJson(run.StepResultsJson);
        var status = run.Status switch
        {
            RunStatus.AwaitingReview => ChatStatus.PullRequestOpened,
            RunStatus.Completed => ChatStatus.Completed,
            RunStatus.AwaitingApproval => ChatStatus.AwaitingApproval,
            RunStatus.RolledBack => ChatStatus.RolledBack,
            RunStatus.Refused => ChatStatus.Refused,
            _ => ChatStatus.Failed,
        };
        return Outcome(status, run, plan, run.Message ?? status.ToString(), state.Decisions,
            state.Decisions.FirstOrDefault(d => d.Verdict != Verdict.Allow)?.Rule) with { PullRequest = run.PullRequestId };
    }

    private async Task<ChatOutcome> RefuseAsync(RunRecord run, ChatRequest request, string rule, string reason, IReadOnlyList<LayerDecision> decisions,
        IReadOnlyDictionary<string, string>? parameters, CancellationToken cancellationToken)
    {
        await RecordAsync(run with { Status = RunStatus.Refused, Message = $"{rule}: {reason}" }, request, "refused", decisions, cancellationToken).ConfigureAwait(false);
        return new ChatOutcome(ChatStatus.Refused, $"Refused by rule '{rule}': {reason}", run.Id, null, null,
            parameters ?? new Dictionary<string, string>(), [], rule, [], null, null, null);
    }

    private async Task<ChatOutcome> AskBackAsync(RunRecord run, ChatRequest request, PlanningOutcome.NeedsInput needs, IReadOnlyList<LayerDecision> decisions, CancellationToken cancellationToken)
    {
        await RecordAsync(run with { Status = RunStatus.NeedsInput, Skill = needs.Skill, Message = needs.Question }, request, "needs-input",
            [.. decisions, new LayerDecision("planner", Verdict.Pause, "planner.needs-input", "missing: " + string.Join(", ", needs.Missing))], cancellationToken).ConfigureAwait(false);
        return new ChatOutcome(ChatStatus.NeedsInput, needs.Question, run.Id, null, null, needs.Parameters, needs.Missing, "planner.needs-input", [], null, null, null);
    }

    private async Task<AuditRecord> RecordAsync(RunRecord run, ChatRequest request, string outcome, IReadOnlyList<LayerDecision> decisions, CancellationToken cancellationToken)
    {
        await runs.CreateAsync(run, cancellationToken).ConfigureAwait(false);
        return await audit.AppendAsync(new AuditEntry(run.Id, request.Requester, [], $"{request.Channel}/request",
            AuditLayer.Digest(request.Text ?? string.Empty), decisions, outcome), cancellationToken).ConfigureAwait(false);
    }

    private static ChatOutcome Outcome(ChatStatus status, RunRecord run, Plan plan, string message, IReadOnlyList<StepDecision> decisions, string? rule)
    {
        var planning = RunState.FromJson(run.StepResultsJson).Planning;
        return new ChatOutcome(status, message, run.Id, plan, run.PlanDigest, plan.Parameters, [], rule, decisions, run.PullRequestId,
            plan.Steps.Select(s => s.Arguments["repo"]?.GetValue<string>()).FirstOrDefault(r => r is not null),
            plan.Parameters.TryGetValue("connection_secret", out var secret) ? secret : null)
        {
            Notices = planning?.Notices ?? [],
            Usage = planning?.Usage,
        };
    }

    // Same skill, same target resource: a second pull request for it would only conflict with the first.
    private static string DedupKey(Plan plan) =>
        plan.Parameters.TryGetValue("namespace", out var ns) && plan.Parameters.TryGetValue("resource_name", out var name)
            ? $"{plan.Skill}:{ns}/{name}"
            : $"{plan.Skill}:{PlanDigest.Compute(plan)}";

    private static string NewRunId() => "run-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
}
