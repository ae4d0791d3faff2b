namespace AgentOps.Orchestration.Tools;

/// <summary>A third-party server as the orchestrator checks calls to it: its token audience and its scope map.</summary>
internal sealed record ThirdPartyServer(string Name, string ServerId, IReadOnlyDictionary<string, ScopeTemplate> Scopes);
