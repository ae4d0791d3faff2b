namespace AgentOps.Planning.Yaml;

internal sealed class TeamDocument
{
    public string? Name { get; set; }
    public string? Namespace { get; set; }
    public string? MaxSize { get; set; }
    public List<string>? Members { get; set; }
}
