using AgentOps.Identity;
using Microsoft.Extensions.Time.Testing;

namespace AgentOps.Storage.Tests;

public sealed class SqliteCredentialLedgerTests : IDisposable
{
    private const string Planner = "spiffe://agentops.local/agent/planner";
    private const string Provisioner = "spiffe://agentops.local/agent/infra-provisioner";
    private const string Broker = "spiffe://agentops.local/broker";
    private const string GitServer = "spiffe://agentops.local/tool/git";

    private readonly TestDirectory _directory = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 29, 12, 0, 0, TimeSpan.Zero));

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task RecordIssued_ThenFind_RoundTripsEveryField()
    {
        var sut = new SqliteCredentialLedger(await SqliteDatabase.OpenAsync(_directory.DatabasePath), _time);
        var record = Issued("child", Provisioner, Planner, "run-1", GitServer, "git:write:repo/platform-gitops", 0, 300, parent: "parent");

        sut.RecordIssued(record);

        var entry = sut.Find("child");
        Assert.NotNull(entry);
        Assert.Equal(record, entry.Credential);
        Assert.Null(entry.LastUsedAt);
        Assert.Null(sut.Find("missing"));
    }

    [Fact]
    public async Task RecordUse_LaterThenEarlier_KeepsLatest()
    {
        var sut = new SqliteCredentialLedger(await SqliteDatabase.OpenAsync(_directory.DatabasePath), _time);
        sut.RecordIssued(Issued("j1", Provisioner, Planner, "run-1", GitServer, "git:read", 0, 300));
        var start = _time.GetUtcNow();

        sut.RecordUse("j1", start.AddSeconds(20));
        sut.RecordUse("j1", start.AddSeconds(10));
        sut.RecordUse("unknown", start.AddSeconds(30));

        Assert.Equal(start.AddSeconds(20), sut.Find("j1")!.LastUsedAt);
        Assert.Null(sut.Find("unknown"));
    }

    [Fact]
    public async Task ListIdentities_SeveralAgents_SummarisesActiveTokensLastUseAndEveryScope()
    {
        var sut = new SqliteCredentialLedger(await SqliteDatabase.OpenAsync(_directory.DatabasePath), _time);
        var start = _time.GetUtcNow();
        sut.RecordIssued(Issued("goal", Planner, "user:alice", "run-1", Broker, "git:write:repo/platform-gitops k8s:read:ns/payments", 0, 300));
        sut.RecordIssued(Issued("old", Provisioner, Planner, "run-0", GitServer, "k8s:read:ns/payments", -600, 60, parent: "goal-0"));
        sut.RecordIssued(Issued("step", Provisioner, Planner, "run-1", GitServer, "git:write:repo/platform-gitops", 0, 300, parent: "goal"));
        sut.RecordUse("old", start.AddSeconds(-560));
        sut.RecordUse("step", start.AddSeconds(5));

        var identities = sut.ListIdentities();

        Assert.Equal([Provisioner, Planner], identities.Select(i => i.Subject));
        var provisioner = identities.Single(i => i.Subject == Provisioner);
        Assert.Equal(2, provisioner.TokensIssued);
        Assert.Equal("step", Assert.Single(provisioner.ActiveTokens).Credential.Jti);
        Assert.Equal(start.AddSeconds(5), provisioner.LastUsedAt);
        Assert.Equal(["git:write:repo/platform-gitops", "k8s:read:ns/payments"], provisioner.ScopesEverGranted);
        Assert.Equal(start.AddSeconds(-600), provisioner.FirstIssuedAt);
        Assert.Equal(start, provisioner.LastIssuedAt);
        var planner = identities.Single(i => i.Subject == Planner);
        Assert.Null(planner.LastUsedAt);
        Assert.Equal("goal", Assert.Single(planner.ActiveTokens).Credential.Jti);
    }

    [Fact]
    public async Task ListIdentities_ParentJtiRevoked_ChildNoLongerActive()
    {
        var database = await SqliteDatabase.OpenAsync(_directory.DatabasePath);
        var sut = new SqliteCredentialLedger(database, _time);
        sut.RecordIssued(Issued("goal", Planner, "user:alice", "run-1", Broker, "git:write", 0, 300));
        sut.RecordIssued(Issued("step", Provisioner, Planner, "run-1", GitServer, "git:write", 0, 300, parent: "goal"));
        sut.RecordIssued(Issued("grandchild", Provisioner, Provisioner, "run-1", GitServer, "git:write", 0, 300, parent: "step"));
        sut.RecordIssued(Issued("other", Provisioner, Planner, "run-2", GitServer, "git:read", 0, 300, parent: "goal-2"));

        new SqliteRevocations(database, _time).RevokeJti("goal", "test");

        var identities = sut.ListIdentities();
        Assert.Empty(identities.Single(i => i.Subject == Planner).ActiveTokens);
        Assert.Equal("other", Assert.Single(identities.Single(i => i.Subject == Provisioner).ActiveTokens).Credential.Jti);
    }

    [Fact]
    public async Task ListIdentities_AgentOrRunRevoked_TokensNoLongerActive()
    {
        var database = await SqliteDatabase.OpenAsync(_directory.DatabasePath);
        var sut = new SqliteCredentialLedger(database, _time);
        var revocations = new SqliteRevocations(database, _time);
        sut.RecordIssued(Issued("a", Provisioner, Planner, "run-1", GitServer, "git:write", 0, 300));
        sut.RecordIssued(Issued("b", Provisioner, Planner, "run-2", GitServer, "git:write", 0, 300));
        sut.RecordIssued(Issued("c", Planner, "user:alice", "run-3", Broker, "git:write", 0, 300));

        revocations.RevokeRun("run-1", "stopped");
        Assert.Equal("b", Assert.Single(sut.ListIdentities().Single(i => i.Subject == Provisioner).ActiveTokens).Credential.Jti);

        revocations.RevokeAgent(Provisioner, "decommissioned");
        Assert.Empty(sut.ListIdentities().Single(i => i.Subject == Provisioner).ActiveTokens);
        Assert.Single(sut.ListIdentities().Single(i => i.Subject == Planner).ActiveTokens);
    }

    [Fact]
    public async Task ListTokens_Subject_NewestFirstIncludingExpired()
    {
        var sut = new SqliteCredentialLedger(await SqliteDatabase.OpenAsync(_directory.DatabasePath), _time);
        sut.RecordIssued(Issued("old", Provisioner, Planner, "run-0", GitServer, "git:read", -600, 60));
        sut.RecordIssued(Issued("new", Provisioner, Planner, "run-1", GitServer, "git:read", 0, 300));
        sut.RecordIssued(Issued("someone-else", Planner, "user:alice", "run-1", Broker, "git:read", 0, 300));

        Assert.Equal(["new", "old"], sut.ListTokens(Provisioner).Select(e => e.Credential.Jti));
    }

    private IssuedCredentialRecord Issued(
        string jti, string subject, string delegator, string? run, string audience, string scope, int issuedOffsetSeconds, int lifetimeSeconds, string? parent = null)
    {
        var issued = _time.GetUtcNow().AddSeconds(issuedOffsetSeconds);
        return new IssuedCredentialRecord(jti, subject, delegator, run, audience, scope, issued, issued.AddSeconds(lifetimeSeconds), parent);
    }
}
