namespace AgentOps.Planning.Yaml;

/// <summary>The shape of a skill file, as written. Everything is nullable so the mapper can name what is missing.</summary>
internal sealed class SkillDocument
{
    public string? Name { get; set; }
    public string? Description { get; set; }
    public List<string>? Triggers { get; set; }
    public List<string>? Examples { get; set; }
    public List<ParameterDocument>? Parameters { get; set; }
    public List<UnsupportedRequirementDocument?>? UnsupportedRequirements { get; set; }
    public StorageDocument? Storage { get; set; }
    public List<DerivedDocument>? Derived { get; set; }
    public string? Summary { get; set; }
    public string? ClaimTemplate { get; set; }
    public List<StepDocument>? Steps { get; set; }
}
