namespace AgentOps.Guardrails.Policy;

/// <summary>The most objects one run, and all runs in an hour, may change.</summary>
public sealed record BlastRadiusRule(int? PerRun, int? PerHour, int Line)
{
    public int PerRunLine { get; init; } = Line;

    public int PerHourLine { get; init; } = Line;
}
