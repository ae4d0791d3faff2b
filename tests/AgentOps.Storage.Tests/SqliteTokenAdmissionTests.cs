using AgentOps.Identity;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;

namespace AgentOps.Storage.Tests;

/// <summary>
/// A tool server's per-call checks in one transaction: revocation, single use, last use. Each test opens the file the
/// way a second process would where that matters, since the point of the store is to be shared.
/// </summary>
public sealed class SqliteTokenAdmissionTests : IDisposable
{
    private const string Agent = "spiffe://agentops.local/agent/infra-provisioner";
    private const string Planner = "spiffe://agentops.local/agent/planner";

    private readonly TestDirectory _directory = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 29, 12, 0, 0, TimeSpan.Zero));

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Admit_FirstUse_AdmittedAndTheLedgerRecordsTheUse()
    {
        var database = await SqliteDatabase.OpenAsync(_directory.DatabasePath);
        var ledger = new SqliteCredentialLedger(database, _time);
        ledger.RecordIssued(Issued("goal.1"));
        var sut = new SqliteTokenAdmission(database);

        var result = sut.Admit(Query("goal.1"), "goal.1", Now.AddMinutes(6), Now.AddSeconds(5));

        Assert.True(result.IsAdmitted);
        Assert.Equal(Now.AddSeconds(5), ledger.Find("goal.1")!.LastUsedAt);
    }

    [Fact]
    public async Task Admit_SameJtiFromAnotherProcess_Replayed()
    {
        var first = new SqliteTokenAdmission(await SqliteDatabase.OpenAsync(_directory.DatabasePath));
        var second = new SqliteTokenAdmission(await SqliteDatabase.OpenAsync(_directory.DatabasePath));
        Assert.True(first.Admit(Query("goal.1"), "goal.1", Now.AddMinutes(6), Now).IsAdmitted);

        var result = second.Admit(Query("goal.1"), "goal.1", Now.AddMinutes(6), Now);

        Assert.True(result.Replayed);
        Assert.Null(result.Revocation);
    }

    [Theory]
    [InlineData("jti")]
    [InlineData("agent")]
    [InlineData("run")]
    public async Task Admit_Revoked_RefusedWithTheRevocationAndTheJtiIsNotUsedUp(string kind)
    {
        var database = await SqliteDatabase.OpenAsync(_directory.DatabasePath);
        var revocations = new SqliteRevocations(database, _time);
        _ = kind switch
        {
            "jti" => revocations.RevokeJti("goal", "leaked"),
            "agent" => revocations.RevokeAgent(Planner, "compromised"),
            _ => revocations.RevokeRun("run-1", "cancelled"),
        };
        var sut = new SqliteTokenAdmission(database);

        var refused = sut.Admit(Query("goal.1"), "goal.1", Now.AddMinutes(6), Now);

        Assert.NotNull(refused.Revocation);
        Assert.Equal(kind, refused.Revocation.Kind.ToString().ToLowerInvariant());
        // The same jti, presented where nothing revokes it, is still unused: the refusal consumed nothing.
        Assert.True(sut.Admit(new RevocationQuery(["other-root.1"], ["spiffe://agentops.local/agent/other"], "run-2"), "goal.1", Now.AddMinutes(6), Now).IsAdmitted);
    }

    [Fact]
    public async Task Admit_AfterTheFirstUseExpired_TheIdIsForgottenAndCanBeRecordedAgain()
    {
        var sut = new SqliteTokenAdmission(await SqliteDatabase.OpenAsync(_directory.DatabasePath));
        Assert.True(sut.Admit(Query("goal.1"), "goal.1", Now.AddMinutes(6), Now).IsAdmitted);

        // Past rememberUntil the token can no longer verify, so its id is purged; nothing else is replayable.
        var later = sut.Admit(Query("goal.2"), "goal.2", Now.AddMinutes(20), Now.AddMinutes(7));

        Assert.True(later.IsAdmitted);
        Assert.Equal(1, CountUsedIds());
    }

    [Fact]
    public async Task Admit_LedgerWriteFails_NothingIsRecordedAndTheTokenIsNotUsedUp()
    {
        var database = await SqliteDatabase.OpenAsync(_directory.DatabasePath);
        var sut = new SqliteTokenAdmission(database);
        Execute("ALTER TABLE issued_credentials RENAME TO issued_credentials_away;");

        Assert.Throws<SqliteException>(() => sut.Admit(Query("goal.1"), "goal.1", Now.AddMinutes(6), Now));

        Execute("ALTER TABLE issued_credentials_away RENAME TO issued_credentials;");
        Assert.Equal(0, CountUsedIds());
        Assert.True(sut.Admit(Query("goal.1"), "goal.1", Now.AddMinutes(6), Now).IsAdmitted);
    }

    private DateTimeOffset Now => _time.GetUtcNow();

    private static RevocationQuery Query(string jti) => new(["goal", jti], [Planner, Agent], "run-1");

    private IssuedCredentialRecord Issued(string jti) =>
        new(jti, Agent, Planner, "run-1", "spiffe://agentops.local/tool/git", "git:read", Now, Now.AddMinutes(5), "goal");

    private long CountUsedIds()
    {
        using var connection = new SqliteConnection($"Data Source={_directory.DatabasePath}");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM used_credentials;";
        return (long)command.ExecuteScalar()!;
    }

    private void Execute(string sql)
    {
        using var connection = new SqliteConnection($"Data Source={_directory.DatabasePath};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
