using System.Text.Json;

namespace AgentOps.Orchestration.Tools;

/// <summary>A tool as its server advertises it in <c>tools/list</c>.</summary>
public sealed record ToolDescriptor(string Server, string Name, JsonElement InputSchema, bool ReadOnly, bool Destructive);
