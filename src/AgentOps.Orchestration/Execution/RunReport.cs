using System.Text;
using AgentOps.Core;

namespace AgentOps.Orchestration.Execution;

/// <summary>
/// The pull-request description: the plan, the delegation chain, every guardrail decision so far, and the
/// range of audit records, so a reviewer sees what ran, on whose authority, and where to verify it.
/// </summary>
public static class RunReport
{
    public static string Build(RunRecord run, Plan plan, RunState state)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(state);
        var text = new StringBuilder();
        // The request is the requester's words, not ours: quoted in a fence, on one line, so it cannot add headings,
        // fake approvals, images or comments that hide the generated sections below.
        text.AppendLine($"Requested by `{Inline(run.Requester)}` via {run.Channel}:").AppendLine();
        text.AppendLine("```text").AppendLine(Inline(run.GoalText)).AppendLine("```").AppendLine();
        text.AppendLine("## Plan").AppendLine();
        text.AppendLine($"- Skill: `{plan.Skill}`");
        text.AppendLine($"- Plan digest: `{run.PlanDigest}`");
        text.AppendLine($"- Run: `{run.Id}`").AppendLine();
        text.AppendLine("| Parameter | Value |").AppendLine("|---|---|");
        foreach (var (key, value) in plan.Parameters.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            text.AppendLine($"| {key} | `{value}` |");
        }
        text.AppendLine().AppendLine("| # | Step | Tool | Scope |").AppendLine("|---|---|---|---|");
        for (var i = 0; i < plan.Steps.Count; i++)
        {
            var step = plan.Steps[i];
            text.AppendLine($"| {i + 1} | {step.Id} | `{step.Server}/{step.Tool}` | `{step.Scope}` |");
        }
        text.AppendLine().AppendLine("## Delegation chain").AppendLine();
        foreach (var link in state.DelegationChain)
        {
            text.AppendLine($"- {link}");
        }
        text.AppendLine().AppendLine("## Guardrail decisions").AppendLine();
        text.AppendLine("| Step | Layer | Verdict | Rule |").AppendLine("|---|---|---|---|");
        foreach (var d in state.Decisions)
        {
            text.AppendLine($"| {d.StepId} | {d.Layer} | {d.Verdict.ToString().ToLowerInvariant()} | `{d.Rule}` |");
        }
        text.AppendLine().AppendLine("## Audit").AppendLine();
        text.AppendLine(state.FirstAuditSequence is { } first
            ? $"Audit records #{first}–#{state.LastAuditSequence} cover this run up to opening this pull request. Check the chain with `agentops audit verify`."
            : "No audit records yet.");
        text.AppendLine().AppendLine("No secret values are stored in this change: the connection secret is materialised in-cluster by External Secrets.");
        return text.ToString();
    }

    private static string Inline(string text) =>
        string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries)).Replace("`", "'", StringComparison.Ordinal);
}
