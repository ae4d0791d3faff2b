using System.Text.Json.Nodes;

namespace AgentOps.Planning;

/// <summary>
/// A step as the skill writes it. Strings may hold <c>${param.*}</c> (rendered by the planner) and
/// <c>${steps.*}</c> or <c>${run.*}</c> (left for the executor).
/// </summary>
public sealed record StepTemplate(
    string Id,
    string Description,
    string Server,
    string Tool,
    string Scope,
    JsonObject Arguments,
    bool Critical,
    CompensationTemplate? Compensation);
