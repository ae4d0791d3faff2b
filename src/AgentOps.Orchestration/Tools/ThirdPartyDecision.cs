using AgentOps.Core;
using AgentOps.Identity;

namespace AgentOps.Orchestration.Tools;

/// <summary>The orchestrator's decision on one third-party call, with the token that asked for it when it was genuine.</summary>
internal sealed record ThirdPartyDecision(LayerDecision Decision, VerifiedCredential? Caller, Scope? RequiredScope);
