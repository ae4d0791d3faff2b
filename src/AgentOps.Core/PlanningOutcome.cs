namespace AgentOps.Core;

/// <summary>What a planner can say about a goal: a plan, a question back, or a refusal.</summary>
public abstract record PlanningOutcome
{
    private PlanningOutcome() { }

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
