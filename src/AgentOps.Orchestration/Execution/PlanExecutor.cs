using System.Text.Json.Nodes;
using AgentOps.Core;
using AgentOps.Guardrails;
using AgentOps.Guardrails.Layers;
using AgentOps.Guardrails.Policy;
using AgentOps.Identity;
using AgentOps.Orchestration.Tools;

namespace AgentOps.Orchestration.Execution;

/// <summary>
/// Runs a stored plan step by step. Per step: a token narrowed to exactly that step's scope, the guardrail
/// pipeline, the MCP call, the result audited, the run persisted. On failure, the registered compensations run
/// newest first. Resumable: it starts at <see cref="RunRecord.NextStep"/>.
/// </summary>
public sealed partial class PlanExecutor(
    IToolGateway tools,
    GuardrailPipeline guardrails,
    RollbackJournal journal,
    CredentialBroker broker,
    AgentCatalog agents,
    IRunStore runs,
    IAuditLog audit,
    TimeProvider timeProvider,
    ExecutorOptions options)
{
    /// <summary>The layer name of the decision on a tool's output (injection screening and trust).</summary>
    public const string OutputLayer = "L1.output";

    private readonly TaintTracker _taint = new(guardrails.Screen);

    public async Task<RunRecord> ExecuteAsync(RunRecord run, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(run);
        var plan = PlanJson.Deserialize(run.PlanJson ?? throw new InvalidOperationException($"Run {run.Id} has no plan."));
        var state = RunState.FromJson(run.StepResultsJson);
        // Approvals and the pull request describe the plan that was digested; a stored plan that no longer hashes
        // to that digest was changed behind our back and must not run under the old approval.
        if (PlanDigest.Compute(plan) != run.PlanDigest)
        {
            await audit.AppendAsync(new AuditEntry(run.Id, "agentops", [], "run/execute", run.PlanDigest ?? "-",
                [new LayerDecision("L3.approval", Verdict.Deny, "approval.digest-mismatch", "the stored plan does not match its digest")], "refused"), cancellationToken).ConfigureAwait(false);
            return await SaveAsync(run, state, RunStatus.Refused, run.NextStep,
                $"refused: the stored plan no longer matches its digest {run.PlanDigest}; nothing more was run", cancellationToken).ConfigureAwait(false);
        }
        RestoreJournal(run, plan, state);

        var planner = agents.Get(options.Planner);
        var stepAgent = agents.Get(options.StepAgent);
        DelegatedCredential goalCredential;
        try
        {
            goalCredential = broker.IssueForGoal(run.Requester, Identity(planner), GoalScopes(plan), plan.Summary, run.Id);
        }
        catch (DelegationRefusedException ex)
        {
            return await SaveAsync(run, state, RunStatus.Refused, run.NextStep, $"delegation refused: {ex.Message}", cancellationToken).ConfigureAwait(false);
        }

        run = await SaveAsync(run, state, RunStatus.Running, run.NextStep, null, cancellationToken).ConfigureAwait(false);
        try
        {
            await tools.WarmUpAsync(plan.Steps.Skip(run.NextStep).Select(s => s.Server), cancellationToken).ConfigureAwait(false);
        }
        catch (ToolServerUnavailableException ex)
        {
            // Nothing ran yet in this process; earlier steps (before a pause) are undone like any other failure.
            run = await SaveAsync(run, state, RunStatus.Failed, run.NextStep, ex.Message, cancellationToken).ConfigureAwait(false);
            return await RollBackAsync(run, plan, state, planner, stepAgent, ex.Message, cancellationToken).ConfigureAwait(false);
        }
        for (var index = run.NextStep; index < plan.Steps.Count; index++)
        {
            var step = plan.Steps[index];
            var outcome = await RunStepAsync(run, plan, state, step, planner, stepAgent, goalCredential, cancellationToken).ConfigureAwait(false);
            switch (outcome)
            {
                case StepOutcome.Paused paused:
                    return await SaveAsync(run, state, RunStatus.AwaitingApproval, index, paused.Reason, cancellationToken).ConfigureAwait(false);
                case StepOutcome.Failed failed:
                    run = await SaveAsync(run, state, RunStatus.Failed, index, failed.Reason, cancellationToken).ConfigureAwait(false);
                    return await RollBackAsync(run, plan, state, planner, stepAgent, failed.Reason, cancellationToken).ConfigureAwait(false);
                default:
                    run = await SaveAsync(run, state, RunStatus.Running, index + 1, null, cancellationToken).ConfigureAwait(false);
                    break;
            }
        }
        var pullRequest = state.Results.Values.Select(r => r?["number"]).OfType<JsonValue>().Select(v => v.ToJsonString()).LastOrDefault();
        run = run with { PullRequestId = pullRequest };
        return await SaveAsync(run, state, pullRequest is null ? RunStatus.Completed : RunStatus.AwaitingReview, plan.Steps.Count,
            pullRequest is null ? "all steps completed" : $"pull request #{pullRequest} is open and waits for review", cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Undoes a run that will not finish: one paused for approval that a human rejects, one that failed, or one whose
    /// process died part-way (status still Running). The compensations registered so far run newest first.
    /// </summary>
    public async Task<RunRecord> RollBackAsync(RunRecord run, string reason, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(run);
        if (run.Status is not (RunStatus.Running or RunStatus.Failed or RunStatus.AwaitingApproval or RunStatus.AwaitingReview))
        {
            throw new InvalidOperationException($"Run {run.Id} is {run.Status}; only a running, failed, paused or unreviewed run can be rolled back.");
        }
        var plan = PlanJson.Deserialize(run.PlanJson ?? throw new InvalidOperationException($"Run {run.Id} has no plan."));
        var state = RunState.FromJson(run.StepResultsJson);
        RestoreJournal(run, plan, state);
        var planner = agents.Get(options.Planner);
        var stepAgent = agents.Get(options.StepAgent);
        return await RollBackAsync(run, plan, state, planner, stepAgent, reason, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Judges every step as it would run, without minting, calling, registering or auditing anything.</summary>
    public async Task<IReadOnlyList<StepDecision>> PreviewAsync(RunRecord run, Plan plan, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var stepAgent = agents.Get(options.StepAgent);
        await tools.WarmUpAsync(plan.Steps.Select(s => s.Server), cancellationToken).ConfigureAwait(false);
        var decisions = new List<StepDecision>();
        foreach (var step in plan.Steps)
        {
            var descriptor = await tools.DescribeAsync(step.Server, step.Tool, cancellationToken).ConfigureAwait(false);
            var context = new GuardrailContext(run.Id, run.Requester, run.PlanDigest ?? string.Empty, step, step.Arguments, stepAgent,
                descriptor?.InputSchema, descriptor?.ReadOnly ?? false, [], DryRun: true);
            var verdict = await guardrails.EvaluateAsync(context, cancellationToken).ConfigureAwait(false);
            decisions.AddRange(verdict.Decisions.Select(d => new StepDecision(step.Id, d.Layer, d.Verdict, d.Rule, d.Reason)));
        }
        return decisions;
    }

    private async Task<StepOutcome> RunStepAsync(
        RunRecord run, Plan plan, RunState state, PlanStep step, AgentSpec planner, AgentSpec stepAgent,
        DelegatedCredential goalCredential, CancellationToken cancellationToken)
    {
        JsonObject arguments;
        try
        {
            arguments = ArgumentResolver.Resolve(step.Arguments, state.Results, RunFacts(run, plan, state));
        }
        catch (UnresolvedReferenceException ex)
        {
            return new StepOutcome.Failed($"step '{step.Id}': {ex.Message}");
        }
        var taint = TaintTracker.Trace(step.Arguments, state);
        return await CallGuardedAsync(run, state, step, arguments, taint, planner, stepAgent, goalCredential, cancellationToken).ConfigureAwait(false);
    }

    private async Task<StepOutcome> CallGuardedAsync(
        RunRecord run, RunState state, PlanStep step, JsonObject arguments, ArgumentTaint taint, AgentSpec planner, AgentSpec stepAgent,
        DelegatedCredential goalCredential, CancellationToken cancellationToken, bool compensating = false)
    {
        DelegatedCredential stepCredential;
        try
        {
            stepCredential = broker.Exchange(goalCredential.Token, Identity(stepAgent), tools.ServerIdOf(step.Server), ScopeSet.Parse(step.Scope), step.Description);
        }
        catch (DelegationRefusedException ex)
        {
            return new StepOutcome.Failed($"step '{step.Id}': delegation refused: {ex.Message}");
        }
        var chain = Describe(stepCredential);
        // The report shows the goal hop once and then each step's own hop, so a reviewer sees every scope that was granted.
        foreach (var line in new[] { chain[0], $"{chain[^2]} for step '{step.Id}' at {step.Server}/{step.Tool}" })
        {
            if (!state.DelegationChain.Contains(line))
            {
                state.DelegationChain.Add(line);
            }
        }
        ToolDescriptor? descriptor;
        try
        {
            descriptor = await tools.DescribeAsync(step.Server, step.Tool, cancellationToken).ConfigureAwait(false);
        }
        catch (ToolServerUnavailableException ex)
        {
            return new StepOutcome.Failed($"step '{step.Id}': {ex.Message}");
        }
        var context = new GuardrailContext(run.Id, run.Requester, run.PlanDigest ?? string.Empty, step, arguments, stepAgent,
            descriptor?.InputSchema, descriptor?.ReadOnly ?? false, chain, Taint: taint, Compensating: compensating);
        var verdict = await guardrails.EvaluateAsync(context, cancellationToken).ConfigureAwait(false);
        state.Decisions.AddRange(verdict.Decisions.Select(d => new StepDecision(step.Id, d.Layer, d.Verdict, d.Rule, d.Reason)));
        state.NoteAudit(verdict.AuditSequence);
        if (verdict.Decisions.Any(d => d.Layer == "L5.rollback" && d.Rule == "rollback.registered") && !state.Registered.Contains(step.Id))
        {
            state.Registered.Add(step.Id);
        }
        if (verdict.Verdict == Verdict.Pause)
        {
            return new StepOutcome.Paused(verdict.Blocking!.Reason);
        }
        if (verdict.Verdict == Verdict.Deny)
        {
            return new StepOutcome.Failed($"step '{step.Id}' denied by {verdict.Blocking!.Layer} ({verdict.Blocking.Rule}): {verdict.Blocking.Reason}");
        }

        // Persist the registration before the side effect: if this process dies during the call, `runs rollback`
        // still finds the compensation for what may have happened.
        await runs.UpdateAsync(run with { StepResultsJson = state.ToJson(), UpdatedAt = timeProvider.GetUtcNow() }, cancellationToken).ConfigureAwait(false);
        var result = await tools.CallAsync(step.Server, step.Tool, arguments, stepCredential.Token, cancellationToken).ConfigureAwait(false);
        // What came back is screened before anything can use it: its trust and injection score decide what later steps
        // built from it may do, and the decision is part of the result's audit record.
        var inspection = TaintTracker.Combine(_taint.Inspect(result), taint);
        var outputDecision = OutputDecision(inspection);
        var record = await audit.AppendAsync(new AuditEntry(
            run.Id, stepAgent.Id, chain, $"{step.Server}/{step.Tool}", AuditLayer.Digest(arguments.ToJsonString()), [outputDecision],
            result.IsError ? "failed" : "succeeded",
            AuditLayer.Digest(result.Structured?.ToJsonString() ?? result.Text)), cancellationToken).ConfigureAwait(false);
        state.NoteAudit(record.Sequence);
        if (result.IsError)
        {
            return new StepOutcome.Failed($"step '{step.Id}' ({step.Server}/{step.Tool}) failed: {result.Text}");
        }
        state.Results[step.Id] = result.Structured ?? new JsonObject { ["text"] = result.Text };
        if (inspection.Untrusted)
        {
            state.Taint[step.Id] = inspection;
            state.Decisions.Add(new StepDecision(step.Id, outputDecision.Layer, outputDecision.Verdict, outputDecision.Rule, outputDecision.Reason));
        }
        return new StepOutcome.Succeeded();
    }

    private async Task<RunRecord> RollBackAsync(
        RunRecord run, Plan plan, RunState state, AgentSpec planner, AgentSpec stepAgent, string reason, CancellationToken cancellationToken)
    {
        // A fresh goal token: the run's own may have expired (tokens live minutes; a run may have taken longer).
        var goalCredential = broker.IssueForGoal(run.Requester, Identity(planner), GoalScopes(plan), "roll back: " + reason, run.Id);
        var problems = new List<string>();
        foreach (var (stepId, compensation) in journal.Pending(run.Id))
        {
            var step = plan.Steps.First(s => s.Id == stepId);
            var undo = new PlanStep(stepId + ".undo", step.Server, compensation.Tool, compensation.Arguments, compensation.Scope,
                $"undo {stepId}");
            JsonObject arguments;
            try
            {
                arguments = ArgumentResolver.Resolve(compensation.Arguments, state.Results, RunFacts(run, plan, state));
            }
            catch (UnresolvedReferenceException ex)
            {
                // The step registered its undo but failed before producing what the undo needs: nothing of it exists.
                await audit.AppendAsync(new AuditEntry(run.Id, stepAgent.Id, state.DelegationChain, $"{step.Server}/{compensation.Tool}",
                    AuditLayer.Digest(compensation.Arguments.ToJsonString()), [], "compensation-skipped", AuditLayer.Digest(ex.Message)), cancellationToken).ConfigureAwait(false);
                continue;
            }
            var outcome = await CallGuardedAsync(run, state, undo, arguments, TaintTracker.Trace(compensation.Arguments, state), planner, stepAgent,
                goalCredential, cancellationToken, compensating: true).ConfigureAwait(false);
            if (outcome is StepOutcome.Failed failed)
            {
                problems.Add(failed.Reason);
            }
            else if (outcome is StepOutcome.Paused paused)
            {
                // An undo built from untrusted data waits for a human like any other tainted change; it has not run.
                problems.Add($"undo of '{stepId}' was not run: {paused.Reason}");
            }
            else
            {
                state.Compensated.Add(stepId);
            }
        }
        var message = problems.Count == 0
            ? $"{reason}. Rolled back: {(state.Compensated.Count == 0 ? "nothing needed undoing" : string.Join(", ", state.Compensated))}."
            : $"{reason}. Rollback incomplete: {string.Join("; ", problems)}";
        return await SaveAsync(run, state, problems.Count == 0 ? RunStatus.RolledBack : RunStatus.Failed, run.NextStep, message, cancellationToken).ConfigureAwait(false);
    }

    private async Task<RunRecord> SaveAsync(RunRecord run, RunState state, RunStatus status, int nextStep, string? message, CancellationToken cancellationToken)
    {
        var updated = run with
        {
            Status = status,
            NextStep = nextStep,
            StepResultsJson = state.ToJson(),
            Message = message ?? run.Message,
            UpdatedAt = timeProvider.GetUtcNow(),
        };
        await runs.UpdateAsync(updated, cancellationToken).ConfigureAwait(false);
        return updated;
    }

    // The journal lives in memory; the run state is what survives a restart, so rebuild the journal from it.
    private void RestoreJournal(RunRecord run, Plan plan, RunState state) =>
        journal.Restore(run.Id, state.Registered
            .Where(id => !state.Compensated.Contains(id))
            .Select(id => plan.Steps.First(s => s.Id == id))
            .Where(s => s.Compensation is not null)
            .Select(s => (s.Id, s.Compensation!)));

    private static Dictionary<string, string> RunFacts(RunRecord run, Plan plan, RunState state) => new(StringComparer.Ordinal)
    {
        ["id"] = run.Id,
        ["requester"] = run.Requester,
        ["report"] = RunReport.Build(run, plan, state),
    };

    private static LayerDecision OutputDecision(StepTaint taint) => taint switch
    {
        { Quarantined: true } => new LayerDecision(OutputLayer, Verdict.Deny, "output.quarantined",
            $"the output was blocked as a prompt injection ({taint.Why}); no later step may use it"),
        { Verdict: "flag" } => new LayerDecision(OutputLayer, Verdict.Allow, "output.flagged",
            $"the output may carry a prompt injection ({taint.Why}); a change built from it waits for approval"),
        { Untrusted: true } => new LayerDecision(OutputLayer, Verdict.Allow, "output.untrusted",
            $"the output is untrusted ({taint.Why}); a change built from it waits for approval"),
        _ => new LayerDecision(OutputLayer, Verdict.Allow, "output.clean", $"no injection pattern matched (score {taint.Score:0.##})"),
    };

    private static ScopeSet GoalScopes(Plan plan) => new(plan.Steps
        .SelectMany(s => s.Compensation is null ? [s.Scope] : new[] { s.Scope, s.Compensation.Scope })
        .Select(Scope.Parse));

    private static AgentIdentity Identity(AgentSpec agent) => new(agent.Id, agent.AgentType, agent.Model, agent.Provider, agent.RbacScope);

    private static List<string> Describe(DelegatedCredential credential) =>
        credential.Chain.Select(l => $"{l.Subject} → {l.Audience} [{l.Scope}]").Append($"{credential.Subject} → {credential.Audience} (token expires {credential.ExpiresAt:O})").ToList();

    private abstract record StepOutcome
    {
        public sealed record Succeeded : StepOutcome;

        public sealed record Paused(string Reason) : StepOutcome;

        public sealed record Failed(string Reason) : StepOutcome;
    }
}
