namespace AgentOps.GitOps;

/// <summary>A forge rule refused the action (self-approval, agent approval, merge without approval …).</summary>
public sealed class ForgeRuleException(string rule, string message) : InvalidOperationException(message)
{
    public string Rule { get; } = rule;
}
