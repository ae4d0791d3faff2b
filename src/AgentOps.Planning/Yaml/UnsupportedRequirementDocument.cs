namespace AgentOps.Planning.Yaml;

internal sealed class UnsupportedRequirementDocument
{
    public string? Id { get; set; }
    public string? Kind { get; set; }
    public string? Pattern { get; set; }
    public string? Message { get; set; }
}
