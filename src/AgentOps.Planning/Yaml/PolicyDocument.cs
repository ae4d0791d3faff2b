namespace AgentOps.Planning.Yaml;

/// <summary>The shape of guardrails/policy.yaml, as written.</summary>
internal sealed class PolicyDocument
{
    public RegionsDocument? Regions { get; set; }
    public List<TeamDocument>? Teams { get; set; }
}
