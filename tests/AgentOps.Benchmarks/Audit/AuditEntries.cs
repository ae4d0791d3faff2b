using AgentOps.Core;

namespace AgentOps.Benchmarks.Audit;

/// <summary>Audited decisions shaped like the executor's: an allowed git files_write with every layer's decision.</summary>
internal static class AuditEntries
{
    private static readonly LayerDecision[] s_decisions =
    [
        new("L1.input", Verdict.Allow, "input.valid", "arguments match the tool schema; no secret or injection text found"),
        new("L2.scope", Verdict.Allow, "scope.allowed", "git/files_write on repo/platform-gitops/branch/agentops/orders-db is within infra-provisioner's scope and the limits of scope.yaml"),
        new("L3.approval", Verdict.Allow, "approval.pull-request", "the change lands as a pull request that a human must approve before merge"),
        new("L5.rollback", Verdict.Allow, "rollback.registered", "compensation git/branch_delete registered before the call"),
    ];

    private static readonly string[] s_chain =
        ["alice@example.com", "spiffe://agentops.local/agent/planner", "spiffe://agentops.local/agent/infra-provisioner"];

    public static AuditEntry Entry(long n) => new(
        RunId: $"run-{n / 8:x8}",
        Actor: "spiffe://agentops.local/agent/infra-provisioner",
        DelegationChain: s_chain,
        Action: "git/files_write",
        ArgumentDigest: $"sha256:{n:x16}{new string('c', 48)}",
        Decisions: s_decisions,
        Outcome: "executed",
        ResultDigest: $"sha256:{n:x16}{new string('d', 48)}");
}
