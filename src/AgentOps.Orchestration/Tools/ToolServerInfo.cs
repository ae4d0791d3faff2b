namespace AgentOps.Orchestration.Tools;

/// <summary>A configured tool server as the gateway knows it, before it is started.</summary>
/// <param name="Name">The name plans and skills use in a step's <c>server</c>.</param>
/// <param name="ServerId">The audience its step tokens are minted for.</param>
/// <param name="Trust">Who checks the token of a call to it: the server itself, or the orchestrator in its place.</param>
/// <param name="ScopeRules">
/// For a server that cannot verify our token, the orchestrator's scope map (tool → required scope, e.g.
/// <c>k8s:read:ns/{namespace}</c>); a tool without a rule is refused. Null for our own servers, which resolve and
/// check the scope of each call themselves.
/// </param>
public sealed record ToolServerInfo(string Name, string ServerId, ToolServerTrust Trust, IReadOnlyDictionary<string, string>? ScopeRules);
