namespace AgentOps.Guardrails.Policy;

/// <summary>
/// L2 policy as data, from <c>guardrails/scope.yaml</c> (checked against <c>scope.schema.json</c> by
/// <see cref="ActionPolicyLoader"/>). Every part remembers the line it came from, so a decision can name its rule's
/// source. An empty part constrains nothing; the AIAgent spec and <see cref="ResourceLimits"/> still apply.
/// </summary>
public sealed record ActionPolicy(
    string File,
    IReadOnlyDictionary<string, AgentRule> Agents,
    NamespaceRule Namespaces,
    ResourceRule Resources,
    IReadOnlyList<ChangeWindow> ChangeWindows,
    IReadOnlyList<FreezePeriod> Freezes,
    BlastRadiusRule BlastRadius,
    RateRule? PerAgentRate,
    RateRule? PerTenantRate,
    IReadOnlyDictionary<string, string> TenantOfMember)
{
    /// <summary>A policy that adds nothing to the AIAgent spec and the resource limits.</summary>
    public static ActionPolicy Empty { get; } = new(
        "(none)",
        new Dictionary<string, AgentRule>(StringComparer.Ordinal),
        new NamespaceRule([], [], 0),
        new ResourceRule([], null, null, null, null, 0),
        [],
        [],
        new BlastRadiusRule(null, null, 0),
        null,
        null,
        new Dictionary<string, string>(StringComparer.Ordinal));

    /// <summary>Where a rule of this policy is written: <c>file:line</c>.</summary>
    public string Source(int line) => line > 0 ? $"{File}:{line}" : File;

    /// <summary>The tenant a requester belongs to; a requester in no tenant is a tenant of its own.</summary>
    public string TenantOf(string requester) => TenantOfMember.TryGetValue(requester, out var tenant) ? tenant : requester;
}
