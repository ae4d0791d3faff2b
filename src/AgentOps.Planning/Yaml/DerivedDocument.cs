namespace AgentOps.Planning.Yaml;

internal sealed class DerivedDocument
{
    public string? Name { get; set; }
    public string? Description { get; set; }
    public string? Template { get; set; }
}
