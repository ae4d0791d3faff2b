namespace AgentOps.Planning;

/// <summary>
/// Names of the rules a planner cites in <see cref="AgentOps.Core.PlanningOutcome.Refused"/>.
/// They are stable identifiers: the CLI, the audit log and tests match on them.
/// </summary>
public static class PlanningRules
{
    public const string RequestEmpty = "planner.request.empty";
    public const string IntentUnknown = "planner.intent.unknown";

    /// <summary>The request asks the skill for a different action, e.g. deleting a database instead of provisioning one.</summary>
    public const string IntentUnsupportedAction = "planner.intent.unsupported-action";

    public const string RegionsAllowed = "policy.regions.allowed";
    public const string TeamsKnown = "policy.teams.known";
    public const string TeamsMember = "policy.teams.member";
    public const string TeamsMaxSize = "policy.teams.max-size";
    public const string ParametersConsistent = "skill.parameters.consistent";

    /// <summary>The request states a requirement the skill recognises but cannot honour, e.g. read replicas.</summary>
    public const string RequirementsUnsupported = "skill.requirements.unsupported";
}
