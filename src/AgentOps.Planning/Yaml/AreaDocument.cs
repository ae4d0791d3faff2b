namespace AgentOps.Planning.Yaml;

internal sealed class AreaDocument
{
    public string? Prefix { get; set; }
    public string? Default { get; set; }
    public List<string>? Words { get; set; }
}
