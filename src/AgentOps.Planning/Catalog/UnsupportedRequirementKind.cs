namespace AgentOps.Planning;

/// <summary>What an unsupported requirement is, which decides the rule its refusal cites.</summary>
public enum UnsupportedRequirementKind
{
    /// <summary>Something the skill's result would have to have but cannot (replicas, a version): <see cref="PlanningRules.RequirementsUnsupported"/>.</summary>
    Requirement,

    /// <summary>A different intent the skill does not carry out (deleting a database): <see cref="PlanningRules.IntentUnsupportedAction"/>.</summary>
    Action,
}
