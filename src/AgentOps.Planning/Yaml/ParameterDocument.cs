namespace AgentOps.Planning.Yaml;

internal sealed class ParameterDocument
{
    public string? Name { get; set; }
    public string? Kind { get; set; }
    public bool Required { get; set; }
    public string? Description { get; set; }
    public List<string>? Examples { get; set; }
    public Dictionary<string, List<string>>? Values { get; set; }
    public Dictionary<string, string>? Unsupported { get; set; }
    public Dictionary<string, AreaDocument?>? Areas { get; set; }
    public string? LiteralPattern { get; set; }
    public string? Pattern { get; set; }
    public List<string>? Cues { get; set; }
    public List<string>? StopWords { get; set; }
    public string? Policy { get; set; }
    public string? Default { get; set; }
}
