using AgentOps.Identity;
using Microsoft.Extensions.Time.Testing;

namespace AgentOps.Storage.Tests;

public sealed class SqliteRevocationsTests : IDisposable
{
    private const string Agent = "spiffe://agentops.local/agent/infra-provisioner";
    private const string Planner = "spiffe://agentops.local/agent/planner";

    private readonly TestDirectory _directory = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 29, 12, 0, 0, TimeSpan.Zero));

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task FindRevocation_NothingRevoked_ReturnsNull()
    {
        var sut = new SqliteRevocations(await SqliteDatabase.OpenAsync(_directory.DatabasePath), _time);

        Assert.Null(sut.FindRevocation(new RevocationQuery(["jti-1"], [Agent], "run-1")));
        Assert.False(sut.IsRevoked(new RevocationQuery(["jti-1"], [Agent], "run-1")));
    }

    [Fact]
    public async Task RevokeJti_ParentRevoked_ChildQueryCarryingParentJtiIsRevoked()
    {
        var sut = new SqliteRevocations(await SqliteDatabase.OpenAsync(_directory.DatabasePath), _time);

        Assert.True(sut.RevokeJti("parent-jti", "leaked in a CI log"));

        var revocation = sut.FindRevocation(new RevocationQuery(["parent-jti", "child-jti"], [Planner, Agent], "run-1"));
        Assert.NotNull(revocation);
        Assert.Equal(RevocationKind.Jti, revocation.Kind);
        Assert.Equal("parent-jti", revocation.Value);
        Assert.Equal("leaked in a CI log", revocation.Reason);
        Assert.Equal(_time.GetUtcNow(), revocation.RevokedAt);
        Assert.False(sut.IsRevoked(new RevocationQuery(["other-jti"], [Agent], "run-1")));
    }

    [Fact]
    public async Task RevokeAgent_DelegatorInChain_IsRevoked()
    {
        var sut = new SqliteRevocations(await SqliteDatabase.OpenAsync(_directory.DatabasePath), _time);

        sut.RevokeAgent(Planner, "planner compromised");

        Assert.Equal(RevocationKind.Agent, sut.FindRevocation(new RevocationQuery(["j"], ["user:alice", Planner, Agent], null))?.Kind);
        Assert.False(sut.IsRevoked(new RevocationQuery(["j"], ["user:alice", Agent], null)));
    }

    [Fact]
    public async Task RevokeRun_SameRun_IsRevokedOtherRunIsNot()
    {
        var sut = new SqliteRevocations(await SqliteDatabase.OpenAsync(_directory.DatabasePath), _time);

        sut.RevokeRun("run-7", "operator stopped the run");

        Assert.Equal("run-7", sut.FindRevocation(new RevocationQuery(["j"], [Agent], "run-7"))?.Value);
        Assert.False(sut.IsRevoked(new RevocationQuery(["j"], [Agent], "run-8")));
        Assert.False(sut.IsRevoked(new RevocationQuery(["j"], [Agent], null)));
    }

    [Fact]
    public async Task RevokeJti_Twice_KeepsFirstReasonAndReportsNoChange()
    {
        var sut = new SqliteRevocations(await SqliteDatabase.OpenAsync(_directory.DatabasePath), _time);

        Assert.True(sut.RevokeJti("jti-1", "first"));
        _time.Advance(TimeSpan.FromMinutes(1));
        Assert.False(sut.RevokeJti("jti-1", "second"));

        var only = Assert.Single(sut.List());
        Assert.Equal("first", only.Reason);
    }

    [Fact]
    public async Task RevokeAgent_InOneProcess_SeenByAnotherOpenOfTheSameFile()
    {
        // Tool servers open the file independently; a second SqliteDatabase stands in for a second process.
        var cli = new SqliteRevocations(await SqliteDatabase.OpenAsync(_directory.DatabasePath), _time);
        var toolServer = new SqliteRevocations(await SqliteDatabase.OpenAsync(_directory.DatabasePath), _time);
        var query = new RevocationQuery(["j"], [Agent], null);
        Assert.False(toolServer.IsRevoked(query));

        cli.RevokeAgent(Agent, "decommissioned");

        Assert.True(toolServer.IsRevoked(query));
    }

    [Fact]
    public async Task FindRevocation_ValueWithSqlMetacharacters_MatchesOnlyExactly()
    {
        var sut = new SqliteRevocations(await SqliteDatabase.OpenAsync(_directory.DatabasePath), _time);
        sut.RevokeJti("a' OR '1'='1", "test");

        Assert.False(sut.IsRevoked(new RevocationQuery(["b"], [], null)));
        Assert.True(sut.IsRevoked(new RevocationQuery(["a' OR '1'='1"], [], null)));
    }
}
