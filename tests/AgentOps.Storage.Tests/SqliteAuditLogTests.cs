using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using AgentOps.Core;
using Microsoft.Extensions.Time.Testing;

namespace AgentOps.Storage.Tests;

public sealed partial class SqliteAuditLogTests : IDisposable
{
    private static readonly string s_genesis = "sha256:" + new string('0', 64);

    private readonly TestDirectory _directory = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 3, 1, 9, 30, 0, TimeSpan.Zero));

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task AppendAsync_ThreeEntries_ChainIsIntactAndLinked()
    {
        var sut = await CreateLogAsync();

        await AppendAsync(sut, 3);

        var verification = await sut.VerifyAsync();
        var records = await sut.ReadAsync();
        Assert.True(verification.Intact);
        Assert.Equal(3, verification.RecordsChecked);
        Assert.Null(verification.FirstBadSequence);
        Assert.Null(verification.Problem);
        Assert.Equal([1L, 2L, 3L], records.Select(r => r.Sequence));
        Assert.Equal(s_genesis, records[0].PrevHash);
        Assert.Equal(records[0].Hash, records[1].PrevHash);
        Assert.Equal(records[1].Hash, records[2].PrevHash);
        Assert.Equal(3, records.Select(r => r.Hash).Distinct().Count());
    }

    [Fact]
    public async Task AppendAsync_Entry_StoresTimeFromTimeProviderAndEveryField()
    {
        var sut = await CreateLogAsync();
        _time.Advance(TimeSpan.FromTicks(1234567));

        var appended = await sut.AppendAsync(Entry(7, resultDigest: "sha256:result"));

        var stored = Assert.Single(await sut.ReadAsync());
        Assert.Equal(_time.GetUtcNow(), stored.Time);
        Assert.Equal(appended.Hash, stored.Hash);
        Assert.Equal("run-7", stored.RunId);
        Assert.Equal("agent:planner", stored.Actor);
        Assert.Equal(["user:alice", "agent:planner"], stored.DelegationChain);
        Assert.Equal("git.push", stored.Action);
        Assert.Equal("sha256:args-7", stored.ArgumentDigest);
        Assert.Equal([new LayerDecision("policy", Verdict.Allow, "R1", "in scope"), new LayerDecision("budget", Verdict.Pause, "B2", "large change")], stored.Decisions);
        Assert.Equal("executed", stored.Outcome);
        Assert.Equal("sha256:result", stored.ResultDigest);
    }

    [Fact]
    public async Task AppendAsync_Entry_HashIsSha256OfCanonicalJsonOfOtherFields()
    {
        var sut = await CreateLogAsync();

        var record = await sut.AppendAsync(Entry(1));

        var expected = new JsonObject
        {
            ["sequence"] = 1,
            ["time"] = "2025-03-01T09:30:00.0000000Z",
            ["run_id"] = "run-1",
            ["actor"] = "agent:planner",
            ["delegation_chain"] = new JsonArray("user:alice", "agent:planner"),
            ["action"] = "git.push",
            ["argument_digest"] = "sha256:args-1",
            ["decisions"] = new JsonArray(
                new JsonObject { ["layer"] = "policy", ["verdict"] = "Allow", ["rule"] = "R1", ["reason"] = "in scope" },
                new JsonObject { ["layer"] = "budget", ["verdict"] = "Pause", ["rule"] = "B2", ["reason"] = "large change" }),
            ["outcome"] = "executed",
            ["result_digest"] = null,
            ["prev_hash"] = s_genesis,
        };
        var digest = SHA256.HashData(Encoding.UTF8.GetBytes(CanonicalJson.Serialize(expected)));
        Assert.Equal("sha256:" + Convert.ToHexStringLower(digest), record.Hash);
    }

    [Fact]
    public async Task VerifyAsync_EmptyLog_IntactWithNothingChecked()
    {
        var sut = await CreateLogAsync();

        var verification = await sut.VerifyAsync();

        Assert.Equal(new AuditVerification(true, 0, null, null), verification);
    }

    // A deletion is reported at the record after the gap: that is where the chain breaks.

    [Fact]
    public async Task AppendAsync_TwoDatabaseInstancesInParallel_OneUnbrokenChain()
    {
        var first = new SqliteAuditLog(await SqliteDatabase.OpenAsync(_directory.DatabasePath), _time);
        var sut = new SqliteAuditLog(await SqliteDatabase.OpenAsync(_directory.DatabasePath), _time);

        await Task.WhenAll(Task.Run(() => AppendAsync(first, 50, "a")), Task.Run(() => AppendAsync(sut, 50, "b")));

        var verification = await sut.VerifyAsync();
        var records = await sut.ReadAsync();
        Assert.True(verification.Intact, verification.Problem);
        Assert.Equal(100, verification.RecordsChecked);
        Assert.Equal(Enumerable.Range(1, 100).Select(i => (long)i), records.Select(r => r.Sequence));
        Assert.Equal(50, records.Count(r => r.RunId.StartsWith("a-", StringComparison.Ordinal)));
        Assert.Equal(50, records.Count(r => r.RunId.StartsWith("b-", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task ReadAsync_Range_ReturnsThoseRecordsInOrder()
    {
        var sut = await CreateLogAsync();
        await AppendAsync(sut, 5);

        var records = await sut.ReadAsync(fromSequence: 2, toSequence: 4);

        Assert.Equal([2L, 3L, 4L], records.Select(r => r.Sequence));
    }

    [Fact]
    public async Task ExportJsonLinesAsync_TwoRecords_OneSelfVerifyingObjectPerLine()
    {
        var sut = await CreateLogAsync();
        await AppendAsync(sut, 2);
        var records = await sut.ReadAsync();

        var lines = new List<string>();
        await foreach (var line in sut.ExportJsonLinesAsync())
        {
            lines.Add(line);
        }

        Assert.Equal(2, lines.Count);
        for (var i = 0; i < lines.Count; i++)
        {
            var json = JsonNode.Parse(lines[i])!.AsObject();
            Assert.DoesNotContain('\n', lines[i]);
            Assert.Equal(records[i].Sequence, json["sequence"]!.GetValue<long>());
            Assert.Equal(records[i].Hash, json["hash"]!.GetValue<string>());
            json.Remove("hash");
            var digest = SHA256.HashData(Encoding.UTF8.GetBytes(CanonicalJson.Serialize(json)));
            Assert.Equal(records[i].Hash, "sha256:" + Convert.ToHexStringLower(digest));
        }
    }

    private async Task<SqliteAuditLog> CreateLogAsync() =>
        new(await SqliteDatabase.OpenAsync(_directory.DatabasePath), _time);

    private static async Task AppendAsync(SqliteAuditLog log, int count, string runPrefix = "run")
    {
        for (var i = 1; i <= count; i++)
        {
            await log.AppendAsync(Entry(i, runPrefix: runPrefix));
        }
    }

    private static AuditEntry Entry(int n, string? resultDigest = null, string runPrefix = "run") => new(
        RunId: $"{runPrefix}-{n}",
        Actor: "agent:planner",
        DelegationChain: ["user:alice", "agent:planner"],
        Action: "git.push",
        ArgumentDigest: $"sha256:args-{n}",
        Decisions: [new LayerDecision("policy", Verdict.Allow, "R1", "in scope"), new LayerDecision("budget", Verdict.Pause, "B2", "large change")],
        Outcome: "executed",
        ResultDigest: resultDigest);
}
