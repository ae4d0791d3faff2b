using System.Text.Json;

namespace AgentOps.Orchestration.Tools;

/// <summary>A tool as its server advertises it in <c>tools/list</c>.</summary>
/// <param name="Description">The tool's description; ours end with the scope a call needs ("Scope: k8s:read:ns/&lt;namespace&gt;.").</param>
public sealed record ToolDescriptor(string Server, string Name, JsonElement InputSchema, bool ReadOnly, bool Destructive, string? Description = null);
