namespace AgentOps.Core;

/// <summary>A planner's answer to a goal: the skill it chose, the parameters it read, and the steps to run.</summary>
public sealed record Plan(
    string Skill,
    IReadOnlyDictionary<string, string> Parameters,
    IReadOnlyList<PlanStep> Steps,
    string Summary);
