using System.Text.Json.Nodes;

namespace AgentOps.Planning;

/// <summary>The undo call of a step template, with the same placeholder rules as the step.</summary>
public sealed record CompensationTemplate(string Tool, string Scope, JsonObject Arguments);
