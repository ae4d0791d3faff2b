using System.CommandLine;
using AgentOps.Core;
using AgentOps.Orchestration.Execution;

namespace AgentOps.Cli.Commands;

/// <summary><c>agentops runs list|show|rollback</c>, <c>agentops approve &lt;run&gt;</c> and <c>agentops rollback &lt;run&gt;</c>.</summary>
internal static class RunCommands
{
    public static Command CreateRuns(CommandContext context)
    {
        var command = new Command("runs", "Show what agents did and are doing");
        var list = new Command("list", "List runs, newest first");
        list.SetAction((parse, ct) => context.ExecuteAsync(parse, ct, async (runtime, reply) =>
        {
            var runs = await runtime.Runs.ListAsync(100, ct).ConfigureAwait(false);
            reply.Data(runs.Select(Summary).ToArray());
            if (runs.Count == 0)
            {
                reply.Line("No runs yet.");
            }
            foreach (var run in runs)
            {
                reply.Line($"{run.Id}  {run.Status,-17} {run.CreatedAt:yyyy-MM-dd HH:mm:ss}  {run.Requester,-24} {Truncate(run.GoalText, 60)}");
            }
            return ExitCodes.Ok;
        }));

        var id = new Argument<string>("run") { Description = "Run id" };
        var show = new Command("show", "Show one run: plan, guardrail decisions, results") { id };
        show.SetAction((parse, ct) => context.ExecuteAsync(parse, ct, async (runtime, reply) =>
        {
            var run = await runtime.Runs.GetAsync(parse.GetValue(id)!, ct).ConfigureAwait(false);
            if (run is null)
            {
                return reply.Fail(ExitCodes.Failed, "not-found", $"There is no run '{parse.GetValue(id)}'.");
            }
            var state = RunState.FromJson(run.StepResultsJson);
            reply.Data(new
            {
                run = Summary(run),
                state.Decisions,
                state.DelegationChain,
                state.FirstAuditSequence,
                state.LastAuditSequence,
                state.Compensated,
                planner = state.Planning?.Planner,
                notices = state.Planning?.Notices ?? [],
                usage = ChatCommand.Usage(state.Planning?.Usage),
            });
            reply.Line($"{run.Id}  {run.Status}  requested by {run.Requester} via {run.Channel}");
            reply.Line($"  \"{run.GoalText}\"");
            reply.Line($"  plan {run.Skill} {run.PlanDigest}  next step {run.NextStep}" + (state.Planning?.Planner is { } by ? $"  planned by {by}" : string.Empty));
            foreach (var notice in state.Planning?.Notices ?? [])
            {
                reply.Line($"  note: {notice}");
            }
            if (state.Planning?.Usage is { } usage)
            {
                reply.Line($"  model use: {usage}");
            }
            if (run.PullRequestId is { } pr)
            {
                reply.Line($"  pull request #{pr}");
            }
            if (run.Message is { } message)
            {
                reply.Line($"  {message}");
            }
            foreach (var d in state.Decisions)
            {
                reply.Line($"  {d.StepId,-24} {d.Layer,-12} {d.Verdict.ToString().ToLowerInvariant(),-6} {d.Rule}");
            }
            if (state.FirstAuditSequence is { } first)
            {
                reply.Line($"  audit records #{first}–#{state.LastAuditSequence}");
            }
            return ExitCodes.Ok;
        }));
        command.Subcommands.Add(list);
        command.Subcommands.Add(show);
        command.Subcommands.Add(CreateRollback(context));
        return command;
    }

    /// <summary><c>agentops rollback &lt;run&gt;</c>, also reachable as <c>agentops runs rollback</c>.</summary>
    public static Command CreateRollback(CommandContext context)
    {
        var id = new Argument<string>("run") { Description = "Run id" };
        var force = new Option<bool>("--force") { Description = $"Roll back a run that is still marked running and was updated less than {RunRollback.StaleAfter.TotalMinutes:0} minutes ago" };
        var rollback = new Command("rollback",
            "Undo a run: run its registered compensations newest first or, if its pull request already merged, open a revert pull request") { id, force };
        rollback.SetAction((parse, ct) => context.ExecuteAsync(parse, ct, async (runtime, reply) =>
        {
            var result = await runtime.Rollback.RollBackAsync(parse.GetValue(id)!, context.Actor(parse), parse.GetValue(force), ct).ConfigureAwait(false);
            var run = result.Run;
            if (result.Revert is { } revert)
            {
                reply.Data(new { run = Summary(run), revert = Summary(revert) });
                reply.Line(revert.PullRequestId is { } number
                    ? $"Run {run.Id} had merged; revert pull request #{number} (run {revert.Id}) is open and waits for review."
                    : $"Run {run.Id} had merged; its revert run {revert.Id} is {revert.Status}: {revert.Message}");
                return result.Succeeded ? ExitCodes.Ok : reply.Fail(ExitCodes.Failed, "revert-failed", revert.Message ?? "the revert run did not open a pull request");
            }
            reply.Data(Summary(run));
            reply.Line($"Run {run.Id} is now {run.Status}: {run.Message}");
            return result.Succeeded ? ExitCodes.Ok : reply.Fail(ExitCodes.Failed, "rollback-incomplete", run.Message ?? "rollback incomplete");
        }));
        return rollback;
    }

    public static Command CreateApprove(CommandContext context)
    {
        var id = new Argument<string>("run") { Description = "Run id waiting for approval" };
        var breakGlass = new Option<bool>("--break-glass") { Description = "Emergency approval: bypasses ownership and N-of-M, needs two different humans and a reason, and is audited as run/break-glass" };
        var reason = new Option<string?>("--reason") { Description = "Why the glass is broken (required with --break-glass)" };
        var command = new Command("approve", "Approve a run paused for approval, and resume it once enough humans have approved") { id, breakGlass, reason };
        command.SetAction((parse, ct) => context.ExecuteAsync(parse, ct, async (runtime, reply) =>
        {
            var runId = parse.GetValue(id)!;
            var run = parse.GetValue(breakGlass)
                ? await runtime.Approver.BreakGlassAsync(runId, context.Actor(parse), parse.GetValue(reason) ?? string.Empty, ct).ConfigureAwait(false)
                : parse.GetValue(reason) is not null
                    ? throw new ArgumentException("--reason goes with --break-glass; an ordinary approval needs none.")
                    : await runtime.Approver.ApproveAsync(runId, context.Actor(parse), ct).ConfigureAwait(false);
            reply.Data(Summary(run));
            reply.Line(run.Status == RunStatus.AwaitingApproval
                ? $"Recorded. Run {run.Id} is still {run.Status}: {run.Message}"
                : $"Approved. Run {run.Id} is now {run.Status}: {run.Message}");
            return run.Status is RunStatus.Failed or RunStatus.RolledBack ? reply.Fail(ExitCodes.Failed, "failed", run.Message ?? "the run failed after approval") : ExitCodes.Ok;
        }));
        return command;
    }

    private static object Summary(RunRecord run) => new
    {
        id = run.Id,
        status = run.Status.ToString(),
        requester = run.Requester,
        channel = run.Channel,
        request = run.GoalText,
        skill = run.Skill,
        planDigest = run.PlanDigest,
        nextStep = run.NextStep,
        pullRequest = long.TryParse(run.PullRequestId, out var number) ? number : (long?)null,
        message = run.Message,
        createdAt = run.CreatedAt,
        updatedAt = run.UpdatedAt,
    };

    private static string Truncate(string text, int length) => text.Length <= length ? text : text[..(length - 1)] + "…";
}
