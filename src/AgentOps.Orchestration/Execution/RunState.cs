using System.Text.Json;
using System.Text.Json.Nodes;
using AgentOps.Core;

namespace AgentOps.Orchestration.Execution;

/// <summary>
/// What the executor remembers between steps, persisted after each one so a run can be shown, resumed after
/// an approval, or rolled back: step results, compensations registered, guardrail decisions, the audit range.
/// </summary>
public sealed class RunState
{
    public Dictionary<string, JsonNode?> Results { get; init; } = new(StringComparer.Ordinal);

    /// <summary>Step ids whose compensation L5 registered, in registration order.</summary>
    public List<string> Registered { get; init; } = [];

    public List<StepDecision> Decisions { get; init; } = [];

    public List<string> DelegationChain { get; set; } = [];

    public long? FirstAuditSequence { get; set; }

    public long? LastAuditSequence { get; set; }

    public List<string> Compensated { get; init; } = [];

    /// <summary>Trust of each step's output (and of a flagged request), for taint tracking; see <see cref="TaintTracker"/>.</summary>
    public Dictionary<string, StepTaint> Taint { get; init; } = new(StringComparer.Ordinal);

    /// <summary>Which planner made the plan, any notice about it (a fallback), and what the model cost.</summary>
    public PlanningInfo? Planning { get; set; }

    public void NoteAudit(long? sequence)
    {
        if (sequence is not { } s)
        {
            return;
        }
        FirstAuditSequence ??= s;
        LastAuditSequence = s;
    }

    public string ToJson() => JsonSerializer.Serialize(this, JsonSerializerOptions.Web);

    public static RunState FromJson(string? json) =>
        string.IsNullOrWhiteSpace(json) || json == "{}" ? new RunState() : JsonSerializer.Deserialize<RunState>(json, JsonSerializerOptions.Web) ?? new RunState();
}

/// <summary>One layer's decision on one step, as shown in the pull request and in <c>runs show</c>.</summary>
public sealed record StepDecision(string StepId, string Layer, Verdict Verdict, string Rule, string Reason);

/// <summary>How a run was planned, kept with the run for <c>runs show</c> and written to the audit log with the request.</summary>
public sealed record PlanningInfo(string? Planner, IReadOnlyList<string> Notices, ModelUsage? Usage)
{
    public static PlanningInfo From(PlanningOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        return new PlanningInfo(outcome.Planner, outcome.Notices, outcome.Usage);
    }

    /// <summary>The planner's notices and model use as audit decisions: one stream for everything a run did, cost included.</summary>
    public IEnumerable<LayerDecision> Decisions()
    {
        foreach (var notice in Notices)
        {
            yield return new LayerDecision("planner", Verdict.Allow, "planner.notice", notice);
        }
        if (Usage is { } usage)
        {
            yield return new LayerDecision("planner", Verdict.Allow, "planner.usage", usage.ToString());
        }
    }
}
