using AgentOps.Core;

namespace AgentOps.Identity.Tests;

/// <summary>Lifetime policy, multi-hop exchange, cycles, revocation at exchange, and the ledger the broker writes.</summary>
public sealed class CredentialBrokerPolicyTests : IDisposable
{
    private readonly IdentityTestContext _context = new();

    public void Dispose() => _context.Dispose();

    [Fact]
    public void IssueForGoal_Default_LivesFiveMinutes()
    {
        var sut = _context.GoalToken();

        Assert.Equal(_context.Time.GetUtcNow() + TimeSpan.FromMinutes(5), sut.ExpiresAt);
    }

    [Fact]
    public void Exchange_AgentWithShorterMaximum_CappedAtItsMaximum()
    {
        var options = new BrokerOptions();
        options.MaxLifetimeByAgent[IdentityTestContext.GitAgent.Id] = TimeSpan.FromSeconds(90);
        using var context = new IdentityTestContext(options);

        var goal = context.GoalToken();
        var step = context.Broker.Exchange(goal.Token, IdentityTestContext.GitAgent, IdentityTestContext.GitServer,
            ScopeSet.Parse("git:read"), "read");

        Assert.Equal(context.Time.GetUtcNow() + TimeSpan.FromMinutes(5), goal.ExpiresAt);
        Assert.Equal(context.Time.GetUtcNow() + TimeSpan.FromSeconds(90), step.ExpiresAt);
        Assert.Equal(90, step.Chain[^1].Constraints!.MaxDurationSeconds);
        Assert.True(context.Verifier().Verify(step.Token, IdentityTestContext.GitServer).IsValid);
    }

    [Fact]
    public void Constructor_AgentMaximumAboveCap_Throws()
    {
        var options = new BrokerOptions();
        options.MaxLifetimeByAgent["spiffe://agentops.local/agent/x"] = TimeSpan.FromHours(1);

        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new CredentialBroker(_context.Keys, _context.Time, options));

        Assert.Equal(nameof(BrokerOptions.MaxLifetimeByAgent), ex.ParamName);
    }

    [Fact]
    public void Exchange_ThroughIntermediateAgents_EachHopNarrowsAndVerifies()
    {
        var goal = _context.GoalToken("git:write:repo/platform-gitops git:read k8s:read");
        var middle = _context.Broker.Exchange(goal.Token, IdentityTestContext.HopAgent(1), BrokerOptions.DefaultIssuer,
            ScopeSet.Parse("git:write:repo/platform-gitops git:read"), "delegate git work");

        var step = _context.Broker.Exchange(middle.Token, IdentityTestContext.GitAgent, IdentityTestContext.GitServer,
            ScopeSet.Parse("git:read"), "read the repository");
        var result = _context.Verifier().Verify(step.Token, IdentityTestContext.GitServer);

        Assert.True(result.IsValid, result.Error);
        Assert.Equal(["git:read git:write:repo/platform-gitops k8s:read", "git:read git:write:repo/platform-gitops", "git:read"],
            result.Credential!.Chain.Select(l => l.Scope.ToString()));
    }

    [Fact]
    public void Exchange_WidenAtSecondExchange_RefusedNamingScope()
    {
        var goal = _context.GoalToken("git:write:repo/platform-gitops git:read");
        var middle = _context.Broker.Exchange(goal.Token, IdentityTestContext.HopAgent(1), BrokerOptions.DefaultIssuer, ScopeSet.Parse("git:read"), "read only");

        var ex = Assert.Throws<DelegationRefusedException>(() => _context.Broker.Exchange(
            middle.Token, IdentityTestContext.GitAgent, IdentityTestContext.GitServer, ScopeSet.Parse("git:write:repo/platform-gitops"), "write"));

        Assert.Equal(["git:write:repo/platform-gitops"], ex.RefusedScopes.Select(s => s.ToString()));
    }

    [Fact]
    public void Exchange_BackToEarlierAgent_RefusedAsCycle()
    {
        var goal = _context.GoalToken();
        var middle = _context.Broker.Exchange(goal.Token, IdentityTestContext.HopAgent(1), BrokerOptions.DefaultIssuer, ScopeSet.Parse("git:read"), "read");

        var ex = Assert.Throws<DelegationRefusedException>(() => _context.Broker.Exchange(
            middle.Token, IdentityTestContext.Planner, IdentityTestContext.GitServer, ScopeSet.Parse("git:read"), "back to the planner"));

        Assert.Contains("cycle", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Exchange_SubjectTokenRevoked_Refused()
    {
        var revocations = new InMemoryRevocationList(_context.Time);
        var sut = new CredentialBroker(_context.Keys, _context.Time, new BrokerOptions(), ledger: null, revocations);
        var goal = sut.IssueForGoal(IdentityTestContext.Human, IdentityTestContext.Planner, ScopeSet.Parse("git:read"), "read", "run-9");
        revocations.RevokeRun("run-9", "the requester cancelled the run");

        var ex = Assert.Throws<DelegationRefusedException>(() => sut.Exchange(
            goal.Token, IdentityTestContext.GitAgent, IdentityTestContext.GitServer, ScopeSet.Parse("git:read"), "read"));

        Assert.Contains("revoked", ex.Message, StringComparison.Ordinal);
        Assert.Contains("the requester cancelled the run", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void IssueAndExchange_WithLedger_RecordsEachTokenWithItsParent()
    {
        var ledger = new RecordingLedger();
        var sut = new CredentialBroker(_context.Keys, _context.Time, new BrokerOptions(), ledger);

        var goal = sut.IssueForGoal(IdentityTestContext.Human, IdentityTestContext.Planner, ScopeSet.Parse("git:read k8s:read"), "look", "run-3");
        var step = sut.Exchange(goal.Token, IdentityTestContext.K8sReader, IdentityTestContext.K8sServer, ScopeSet.Parse("k8s:read"), "read pods");

        Assert.Equal(
            [
                new IssuedCredentialRecord(goal.Jti, IdentityTestContext.Planner.Id, IdentityTestContext.Human, "run-3", BrokerOptions.DefaultIssuer,
                    "git:read k8s:read", _context.Time.GetUtcNow(), goal.ExpiresAt, null),
                new IssuedCredentialRecord(step.Jti, IdentityTestContext.K8sReader.Id, IdentityTestContext.Planner.Id, "run-3", IdentityTestContext.K8sServer,
                    "k8s:read", _context.Time.GetUtcNow(), step.ExpiresAt, goal.Jti),
            ],
            ledger.Issued);
    }

    [Fact]
    public void Verify_WithLedger_RecordsUseOnlyWhenAccepted()
    {
        var ledger = new RecordingLedger();
        var sut = _context.Verifier(replayCache: new InMemoryReplayCache(_context.Time), ledger: ledger);
        var step = _context.GitStepToken();

        Assert.True(sut.Verify(step.Token, IdentityTestContext.GitServer).IsValid);
        Assert.False(sut.Verify(step.Token, IdentityTestContext.GitServer).IsValid);
        Assert.False(sut.Verify(step.Token, IdentityTestContext.K8sServer).IsValid);

        Assert.Equal([(step.Jti, _context.Time.GetUtcNow())], ledger.Uses);
    }

    /// <summary>Keeps what the broker and verifier report, in order; the SQLite ledger is tested in AgentOps.Storage.Tests.</summary>
    private sealed class RecordingLedger : ICredentialLedger
    {
        public List<IssuedCredentialRecord> Issued { get; } = [];

        public List<(string Jti, DateTimeOffset At)> Uses { get; } = [];

        public void RecordIssued(IssuedCredentialRecord record) => Issued.Add(record);

        public void RecordUse(string jti, DateTimeOffset at) => Uses.Add((jti, at));
    }
}
