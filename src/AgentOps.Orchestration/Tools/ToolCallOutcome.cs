using System.Text.Json.Nodes;

namespace AgentOps.Orchestration.Tools;

/// <summary>What came back from a tool: structured content when the tool gives it, and its text.</summary>
public sealed record ToolCallOutcome(bool IsError, JsonNode? Structured, string Text);
