namespace AgentOps.Planning.Yaml;

internal sealed class StepDocument
{
    public string? Id { get; set; }
    public string? Description { get; set; }
    public string? Server { get; set; }
    public string? Tool { get; set; }
    public string? Scope { get; set; }
    public bool Critical { get; set; }
    public Dictionary<string, object?>? Arguments { get; set; }
    public CompensationDocument? Compensation { get; set; }
}
