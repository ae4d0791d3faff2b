namespace AgentOps.Core;

/// <summary>What a planner can say about a goal: a plan, a question back, or a refusal.</summary>
public abstract record PlanningOutcome
{
    private PlanningOutcome() { }

    /// <summary>Which planner answered: "runbook", "kernel".</summary>
    public string? Planner { get; init; }

    /// <summary>What the requester and the audit log should know about how this was planned, e.g. a fallback.</summary>
    public IReadOnlyList<string> Notices { get; init; } = [];

    /// <summary>The model's token use and estimated cost for this planning, when a model was asked.</summary>
    public ModelUsage? Usage { get; init; }

    /// <summary>The goal became a plan.</summary>
    public sealed record Planned(Plan Plan) : PlanningOutcome;

    /// <summary>Something required is missing; the planner asks instead of guessing.</summary>
    public sealed record NeedsInput(
        string Skill,
        IReadOnlyDictionary<string, string> Parameters,
        IReadOnlyList<string> Missing,
        string Question) : PlanningOutcome;

    /// <summary>The planner will not plan this. <paramref name="Rule"/> names the rule that refused it.</summary>
    public sealed record Refused(string Rule, string Reason, IReadOnlyDictionary<string, string>? Parameters = null) : PlanningOutcome;
}
