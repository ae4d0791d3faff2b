namespace AgentOps.Planning;

/// <summary>
/// One skill from <c>prompts/skills/*.yaml</c>: an intent, the parameters it needs and how to read
/// them from free text, and the step template that becomes a plan. Both planners share it.
/// </summary>
/// <param name="ClaimTemplate">The raw claim template with <c>${param.*}</c> placeholders, or null when the skill renders no claim.</param>
/// <param name="UnsupportedRequirements">What a request may ask for that the skill recognises but cannot honour; such a request is refused.</param>
public sealed record Skill(
    string Name,
    string Description,
    IReadOnlyList<string> Triggers,
    IReadOnlyList<string> Examples,
    IReadOnlyList<SkillParameter> Parameters,
    SkillStorage? Storage,
    IReadOnlyList<DerivedParameter> Derived,
    string Summary,
    string? ClaimTemplate,
    IReadOnlyList<StepTemplate> Steps,
    IReadOnlyList<UnsupportedRequirement> UnsupportedRequirements)
{
    public SkillParameter? FindParameter(string name) =>
        Parameters.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.Ordinal));
}
