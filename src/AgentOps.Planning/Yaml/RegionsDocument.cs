namespace AgentOps.Planning.Yaml;

internal sealed class RegionsDocument
{
    public List<string>? Allowed { get; set; }
}
