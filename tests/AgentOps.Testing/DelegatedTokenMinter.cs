using AgentOps.Core;
using AgentOps.Identity;
using Microsoft.Extensions.Time.Testing;

namespace AgentOps.Testing;

/// <summary>
/// Mints real delegated tokens with a test key store: a chain human → planner → step agent, narrowed to one scope and
/// one audience, exactly as the orchestrator's broker would mint them for a step.
/// </summary>
public sealed class DelegatedTokenMinter(SigningKeyStore keys)
{
    public const string Human = "developer@example.com";

    private static readonly AgentIdentity s_planner = new("spiffe://agentops.local/agent/planner", "autonomous", "runbook", "agentops", ScopeSet.Parse("git:* crossplane:* k8s:* argocd:* prometheus:*"));
    private static readonly AgentIdentity s_stepAgent = s_planner with { Id = "spiffe://agentops.local/agent/infra-provisioner", AgentType = "domain_specific" };

    /// <summary>A token for <paramref name="audience"/> carrying <paramref name="scope"/>, minted at <paramref name="mintedAt"/> (now by default).</summary>
    public string Mint(string scope, string audience, DateTimeOffset? mintedAt = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(scope);
        ArgumentException.ThrowIfNullOrEmpty(audience);
        var time = new FakeTimeProvider(mintedAt ?? TimeProvider.System.GetUtcNow());
        var broker = new CredentialBroker(keys, time, new BrokerOptions());
        var goal = broker.IssueForGoal(Human, s_planner, ScopeSet.Parse(scope), "test", "goal-1");
        return broker.Exchange(goal.Token, s_stepAgent, audience, ScopeSet.Parse(scope), "test step").Token;
    }
}
