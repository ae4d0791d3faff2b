using System.Text.Json.Nodes;

namespace AgentOps.Orchestration.Tools;

/// <summary>What came back from a tool: structured content when the tool gives it, and its text.</summary>
/// <param name="Untrusted">
/// True when the content came from a server we did not write (or one that marked it untrusted): whatever is derived
/// from it is tainted and must be spotlighted before it reaches a model.
/// </param>
public sealed record ToolCallOutcome(bool IsError, JsonNode? Structured, string Text, bool Untrusted = false);
