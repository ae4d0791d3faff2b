using AgentOps.Core;
using AgentOps.Identity;

namespace AgentOps.Benchmarks.McpStdio;

/// <summary>
/// Step tokens as the orchestrator mints them: one goal token per run (refreshed well before it expires) and one
/// exchange per call, because our servers accept each token once.
/// </summary>
internal sealed class StepTokens(CredentialBroker broker, string audience, string scope)
{
    private static readonly AgentIdentity s_planner = new("spiffe://agentops.local/agent/planner", "autonomous", "runbook-planner/v1", "agentops", ScopeSet.Parse("k8s:read:*"));
    private static readonly AgentIdentity s_stepAgent = s_planner with { Id = "spiffe://agentops.local/agent/cluster-reader", AgentType = "domain_specific" };
    private static readonly TimeSpan s_goalRefresh = TimeSpan.FromMinutes(2);

    private readonly ScopeSet _scope = ScopeSet.Parse(scope);
    private DelegatedCredential? _goal;
    private long _goalMintedAt;

    public string Next()
    {
        if (_goal is null || System.Diagnostics.Stopwatch.GetElapsedTime(_goalMintedAt) > s_goalRefresh)
        {
            _goal = broker.IssueForGoal("developer@example.com", s_planner, _scope, "benchmark", "run-benchmark");
            _goalMintedAt = System.Diagnostics.Stopwatch.GetTimestamp();
        }
        return broker.Exchange(_goal.Token, s_stepAgent, audience, _scope, "benchmark call").Token;
    }
}
