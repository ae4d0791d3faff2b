using AgentOps.Core;

namespace AgentOps.Identity;

/// <summary>
/// A registered agent. <paramref name="Id"/> is a SPIFFE ID such as <c>spiffe://agentops.local/agent/infra-provisioner</c>;
/// <paramref name="Ceiling"/> is the most the agent may ever hold, whatever a delegator offers it.
/// </summary>
public sealed record AgentIdentity(string Id, string AgentType, string Model, string Provider, ScopeSet Ceiling);
