using System.Text.Json.Nodes;

namespace AgentOps.Core;

/// <summary>
/// One tool call on one MCP tool server. Argument values may hold references to earlier
/// step results, written <c>${steps.&lt;id&gt;.&lt;field&gt;}</c>, and to run facts such as <c>${run.report}</c>;
/// the executor resolves them just before the call, so the plan digest covers the template, not the data.
/// </summary>
public sealed record PlanStep(
    string Id,
    string Server,
    string Tool,
    JsonObject Arguments,
    string Scope,
    string Description,
    bool Critical = false,
    Compensation? Compensation = null);

/// <summary>The tool call that undoes a step, registered before the step runs (guardrail layer 5).</summary>
public sealed record Compensation(string Tool, JsonObject Arguments, string Scope);
