using System.CommandLine;
using System.Text.Json.Nodes;
using AgentOps.Cli.Output;
using AgentOps.Orchestration.Execution;
using AgentOps.Orchestration.Intake;

namespace AgentOps.Cli.Commands;

/// <summary><c>agentops chat "&lt;request&gt;"</c>: a change request, planned, shown, guarded and turned into a pull request.</summary>
internal static class ChatCommand
{
    public static Command Create(CommandContext context)
    {
        var request = new Argument<string>("request") { Description = "What you need, in your own words" };
        var dryRun = new Option<bool>("--dry-run") { Description = "Print the plan and the guardrail verdicts; execute nothing" };
        var command = new Command("chat", "Ask for a change; it comes back as a pull request for review") { request, dryRun };
        command.SetAction((parse, cancellationToken) => context.ExecuteAsync(parse, cancellationToken, async (runtime, reply) =>
        {
            var outcome = await runtime.Workflow.HandleAsync(
                new ChatRequest(parse.GetValue(request) ?? string.Empty, context.Actor(parse), "cli", parse.GetValue(dryRun)),
                (plan, digest, _) =>
                {
                    PrintPlan(reply, plan, digest);
                    return Task.CompletedTask;
                },
                cancellationToken).ConfigureAwait(false);
            reply.Data(ToJson(outcome, runtime.Paths.DataDirectory));
            if (!reply.Json)
            {
                Print(reply, outcome);
            }
            return outcome.Status switch
            {
                ChatStatus.Previewed => outcome.Decisions.Any(d => d.Verdict == AgentOps.Core.Verdict.Deny) ? ExitCodes.Refused : ExitCodes.Ok,
                ChatStatus.PullRequestOpened or ChatStatus.Completed or ChatStatus.AwaitingApproval => ExitCodes.Ok,
                ChatStatus.NeedsInput => ExitCodes.NeedsInput,
                ChatStatus.Refused => ExitCodes.Refused,
                ChatStatus.Duplicate => ExitCodes.Duplicate,
                _ => ExitCodes.Failed,
            };
        }));
        return command;
    }

    // Printed as soon as the plan exists, before any step runs (in --json mode, Line writes nothing).
    private static void PrintPlan(Reply reply, AgentOps.Core.Plan plan, string digest)
    {
        reply.Line($"Plan: {plan.Summary}");
        reply.Line($"  skill   {plan.Skill}");
        reply.Line($"  digest  {digest}");
        reply.Line("Parameters:");
        foreach (var (key, value) in plan.Parameters.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            reply.Line($"  {key,-20} {value}");
        }
        reply.Line("Steps:");
        for (var i = 0; i < plan.Steps.Count; i++)
        {
            var step = plan.Steps[i];
            reply.Line($"  {i + 1}. {step.Id,-18} {step.Server + "/" + step.Tool,-30} scope {step.Scope}{(step.Critical ? "  [critical]" : string.Empty)}");
        }
    }

    private static void Print(Reply reply, ChatOutcome outcome)
    {
        if (outcome.RunId is { } runId)
        {
            reply.Line($"Run: {runId}");
        }
        foreach (var notice in outcome.Notices)
        {
            reply.Line($"Note: {notice}");
        }
        if (outcome.Usage is { } usage)
        {
            reply.Line($"Model use: {usage}");
        }
        if (outcome.Decisions.Count > 0)
        {
            reply.Line("Guardrails:");
            foreach (var group in outcome.Decisions.GroupBy(d => d.StepId))
            {
                reply.Line($"  {group.Key,-22} " + string.Join("  ", group.Select(d => $"{d.Layer}:{d.Verdict.ToString().ToLowerInvariant()}")));
                foreach (var blocked in group.Where(d => d.Verdict != AgentOps.Core.Verdict.Allow))
                {
                    reply.Line($"      {blocked.Rule}: {blocked.Reason}");
                }
            }
        }
        reply.Line();
        switch (outcome.Status)
        {
            case ChatStatus.PullRequestOpened:
                reply.Line($"Pull request #{outcome.PullRequest} is open on {outcome.Repository} and waits for a reviewer.");
                if (outcome.ConnectionSecret is { } secret && outcome.Parameters.TryGetValue("namespace", out var ns))
                {
                    reply.Line($"Your connection secret will be '{secret}' in namespace '{ns}' once the change is merged and synced (no secret value is stored in Git).");
                }
                reply.Line($"Follow progress:  agentops pr show {outcome.PullRequest}   ·   agentops runs show {outcome.RunId}");
                reply.Line($"  (from the repository: dotnet run --project src/AgentOps.Cli -- pr show {outcome.PullRequest})");
                break;
            case ChatStatus.NeedsInput:
                reply.Line($"I need more information: {outcome.Message}");
                break;
            case ChatStatus.Refused:
                reply.Line(outcome.Message);
                break;
            default:
                reply.Line(outcome.Message);
                break;
        }
    }

    private static JsonObject ToJson(ChatOutcome outcome, string dataDirectory) => new()
    {
        ["status"] = outcome.Status.ToString(),
        ["message"] = outcome.Message,
        ["runId"] = outcome.RunId,
        ["rule"] = outcome.Rule,
        ["parameters"] = new JsonObject(outcome.Parameters.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value))),
        ["missing"] = new JsonArray(outcome.Missing.Select(m => (JsonNode)m).ToArray()),
        ["plan"] = outcome.Plan is null ? null : PlanJson.ToNode(outcome.Plan),
        ["planDigest"] = outcome.PlanDigest,
        ["decisions"] = new JsonArray(outcome.Decisions.Select(d => (JsonNode)new JsonObject
        {
            ["step"] = d.StepId,
            ["layer"] = d.Layer,
            ["verdict"] = d.Verdict.ToString().ToLowerInvariant(),
            ["rule"] = d.Rule,
            ["reason"] = d.Reason,
        }).ToArray()),
        ["pullRequest"] = outcome.PullRequest is null ? null : new JsonObject
        {
            ["id"] = long.TryParse(outcome.PullRequest, out var number) ? number : null,
            ["repository"] = outcome.Repository,
        },
        ["connectionSecret"] = outcome.ConnectionSecret,
        ["notices"] = new JsonArray(outcome.Notices.Select(n => (JsonNode)n).ToArray()),
        ["usage"] = Usage(outcome.Usage),
        ["dataDirectory"] = dataDirectory,
        ["error"] = outcome.Status switch
        {
            ChatStatus.Refused or ChatStatus.NeedsInput or ChatStatus.Duplicate or ChatStatus.Failed or ChatStatus.RolledBack => new JsonObject
            {
                ["code"] = outcome.Status switch
                {
                    ChatStatus.Refused => "refused",
                    ChatStatus.NeedsInput => "needs-input",
                    ChatStatus.Duplicate => "duplicate",
                    ChatStatus.RolledBack => "rolled-back",
                    _ => "failed",
                },
                ["rule"] = outcome.Rule,
                ["message"] = outcome.Message,
                ["missing"] = new JsonArray(outcome.Missing.Select(m => (JsonNode)m).ToArray()),
            },
            _ => null,
        },
    };

    internal static JsonObject? Usage(AgentOps.Core.ModelUsage? usage) => usage is null ? null : new JsonObject
    {
        ["model"] = usage.Model,
        ["calls"] = usage.Calls,
        ["inputTokens"] = usage.InputTokens,
        ["outputTokens"] = usage.OutputTokens,
        ["estimatedCostUsd"] = usage.EstimatedCostUsd,
    };
}
