namespace AgentOps.Planning.Yaml;

internal sealed class CompensationDocument
{
    public string? Tool { get; set; }
    public string? Scope { get; set; }
    public Dictionary<string, object?>? Arguments { get; set; }
}
