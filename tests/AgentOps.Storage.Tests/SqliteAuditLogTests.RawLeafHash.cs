using AgentOps.Core;

namespace AgentOps.Storage.Tests;

/// <summary>
/// The parallel verifier takes each record's Merkle leaf from the canonical bytes it just hashed for the chain (the
/// hash member spliced in), instead of writing the JSON a second time. The leaf must be byte for byte the one the
/// record path gives, whatever the record holds, and must never come from the bytes of another record.
/// </summary>
public sealed partial class SqliteAuditLogTests
{
    private static readonly AuditEntry[] s_unusualEntries =
    [
        Entry(1),
        Entry(2, resultDigest: "sha256:result-2"),
        new(RunId: "run-ü-3", Actor: "user:zoë \"quoted\"", DelegationChain: [], Action: "kubectl.apply",
            ArgumentDigest: "sha256:a\\b", Decisions: [], Outcome: "refused <html> & 'quotes'", ResultDigest: null),
        new(RunId: "run-4", Actor: "agent:planner", DelegationChain: ["user:alice", "agent:planner", "tool:git", "tool:git/push"],
            Action: "git.push", ArgumentDigest: "sha256:args-4",
            Decisions: [new LayerDecision("input", Verdict.Allow, "L1", "日本語の説明, ünïcödé"), new LayerDecision("approval", Verdict.Deny, "A3", "a plain reason")],
            Outcome: "executed", ResultDigest: "sha256:r4"),
        new(RunId: "run-5", Actor: "agent:planner", DelegationChain: ["user:alice"], Action: "git.push", ArgumentDigest: "sha256:args-5",
            Decisions: [new LayerDecision("approval", Verdict.Deny, "A3", "line\nbreak\ttab and an emoji 🚀")], Outcome: "executed", ResultDigest: null),
    ];

    [Fact]
    public async Task TryRawLeafHash_AfterTheHashMatched_IsTheRecordPathsLeaf_AndNeverAnotherRecords()
    {
        var log = new SqliteAuditLog(await SqliteDatabase.OpenAsync(_directory.DatabasePath), _time);
        foreach (var entry in s_unusualEntries)
        {
            await log.AppendAsync(entry);
        }
        var records = await log.ReadAsync(1, s_unusualEntries.Length);
        var expected = records.Select(AuditRecordJson.LeafHash).ToArray();

        using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={_directory.DatabasePath}");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {AuditLogRows.Columns} FROM audit_log ORDER BY sequence;";
        using var reader = command.ExecuteReader();
        var fastPath = new List<long>();
        while (reader.Read())
        {
            Assert.True(AuditLogRows.TryReadRaw(reader, out var row));
            var index = (int)row.Sequence - 1;
            // The previous row's bytes are still in the buffer: a leaf asked for before this row's hash matched must be written afresh.
            var fresh = new byte[MerkleTree.HashSize];
            if (AuditRecordJson.TryRawLeafHash(row, fresh))
            {
                Assert.Equal(expected[index], fresh);
            }
            // A row the raw path declines (escaped strings in it) is left to the record path, as the verifier does.
            if (!AuditRecordJson.RawHashMatches(row))
            {
                continue;
            }
            var spliced = new byte[MerkleTree.HashSize];
            Assert.True(AuditRecordJson.TryRawLeafHash(row, spliced));
            Assert.Equal(expected[index], spliced);
            fastPath.Add(row.Sequence);
        }

        Assert.Contains(1L, fastPath);
        Assert.Contains(2L, fastPath);
        Assert.Contains(4L, fastPath);
    }
}
