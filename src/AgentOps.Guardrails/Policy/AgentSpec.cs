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
    /// <summary>
    /// The cap on <see cref="TokenLifetime"/>: delegated tokens are bearer credentials, so no spec may ask for more.
    /// It equals the broker's own hard cap (<c>BrokerOptions.MaxTokenLifetime</c>).
    /// </summary>
    public static TimeSpan MaxTokenLifetime { get; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// <c>spec.tokenLifetime</c>: the longest a token minted for this agent may live.
    /// <value>Null (the default) leaves the broker's configured lifetime in force.</value>
    /// </summary>
    public TimeSpan? TokenLifetime { get; init; }

    public bool MayCall(string server, string tool) => Endpoints.TryGetValue(server, out var tools) && (tools.Contains(tool) || tools.Contains("*"));
}
