using AgentOps.Core;

namespace AgentOps.Guardrails.Policy;

/// <summary>
/// An <c>AIAgent</c> resource (<c>apiVersion: platform.example.io/v1</c>): the most an agent may ever do.
/// Tokens minted for it are cut down to <see cref="RbacScope"/>; calls outside <see cref="Endpoints"/> are denied.
/// </summary>
public sealed record AgentSpec(
    string Name,
    string Id,
    string AgentType,
    string Provider,
    string Model,
    IReadOnlyDictionary<string, IReadOnlySet<string>> Endpoints,
    ScopeSet RbacScope,
    int ToolCallsPerMinute)
{
    public bool MayCall(string server, string tool) => Endpoints.TryGetValue(server, out var tools) && (tools.Contains(tool) || tools.Contains("*"));
}
