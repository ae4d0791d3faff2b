namespace AgentOps.Planning;

/// <summary>Which part of the planning policy (guardrails/policy.yaml) checks a parameter's value.</summary>
public enum ParameterPolicy
{
    None,

    /// <summary>The value must be one of <c>regions.allowed</c>.</summary>
    Regions,

    /// <summary>The value names a team or its namespace from <c>teams</c>; it resolves to the team's namespace.</summary>
    Teams,
}
