using System.Security.Cryptography;
using System.Text.Json.Nodes;
using AgentOps.Core;
using AgentOps.Identity;

namespace AgentOps.Storage.Tests;

/// <summary>Signed checkpoints over the Merkle root: made at intervals and on demand, checked, and never signed over a tamper.</summary>
public sealed partial class SqliteAuditLogTests
{
    [Fact]
    public async Task AppendAsync_IntervalOf5_SignsACheckpointAtEveryMultipleOverTheChainHashes()
    {
        using var keys = OpenKeys();
        var (sut, checkpointing) = await CreateCheckpointedLogAsync(keys, interval: 5);

        await AppendAsync(sut, 12);

        var checkpoints = checkpointing.Store.ReadAll();
        Assert.Equal([5L, 10L], checkpoints.Select(c => c.TreeSize));
        var records = await sut.ReadAsync();
        foreach (var checkpoint in checkpoints)
        {
            Assert.Null(AuditCheckpointVerifier.Problem(checkpoint, checkpointing.TrustedKeys));
            Assert.Equal(keys.KeyId, checkpoint.KeyId);
            Assert.Equal(_time.GetUtcNow(), checkpoint.Time);
            Assert.Equal(records[(int)checkpoint.TreeSize - 1].Hash, checkpoint.HeadHash);
            Assert.Equal(SignedAuditCheckpoint.ChainHashLeafVersion, checkpoint.Version);
            // Independently: the leaves are the records' chain hashes as bytes, hashed and combined as RFC 6962 says.
            Assert.Equal(ChainHashRoot(records.Take((int)checkpoint.TreeSize)), checkpoint.RootHash);
        }
    }

    [Fact]
    public async Task AppendAsync_ReachingIntervalAfterATamper_CommitsTheRecordButRefusesToSign()
    {
        using var keys = OpenKeys();
        var (sut, checkpointing) = await CreateCheckpointedLogAsync(keys, interval: 5);
        await AppendAsync(sut, 4);
        await _directory.ExecuteRawAsync("UPDATE audit_log SET argument_digest = 'sha256:other' WHERE sequence = 2;");

        var refused = await Assert.ThrowsAsync<AuditCheckpointException>(() => sut.AppendAsync(Entry(5)));

        Assert.Equal(2, refused.Sequence);
        Assert.Equal(5, (await sut.ReadAsync()).Count);
        Assert.Empty(checkpointing.Store.ReadAll());
    }

    [Fact]
    public void FromKeyStore_KeyRotatedSinceTheStoreWasOpened_Refuses()
    {
        var directory = Path.Combine(_directory.Root, "keys");
        using var opened = SigningKeyStore.OpenOrCreate(directory, _time);
        using var rotated = SigningKeyStore.Rotate(directory, _time);

        Assert.Throws<InvalidOperationException>(() => AuditCheckpointSigner.FromKeyStore(opened));
        using var current = AuditCheckpointSigner.FromKeyStore(rotated);
        Assert.Equal(rotated.KeyId, current.KeyId);
        Assert.NotEqual(opened.KeyId, current.KeyId);
    }

    [Fact]
    public async Task SignCheckpointsAsync_AtHead_SignsOnDemandAndOnlyOnce()
    {
        using var keys = OpenKeys();
        var (sut, checkpointing) = await CreateCheckpointedLogAsync(keys, interval: 5);
        await AppendAsync(sut, 7);

        var first = await sut.SignCheckpointsAsync(checkpointing, atHead: true);
        var again = await sut.SignCheckpointsAsync(checkpointing, atHead: true);

        Assert.Equal(7, Assert.Single(first).TreeSize);
        Assert.Empty(again);
        Assert.Equal([5L, 7L], checkpointing.Store.ReadAll().Select(c => c.TreeSize));
        Assert.Equal(ChainHashRoot(await sut.ReadAsync()), checkpointing.Store.Latest()!.RootHash);
    }

    [Fact]
    public async Task SignCheckpointsAsync_RecordChangedAfterLastCheckpoint_RefusesAndNamesIt()
    {
        using var keys = OpenKeys();
        var (sut, checkpointing) = await CreateCheckpointedLogAsync(keys, interval: 5);
        await AppendAsync(sut, 7);
        await _directory.ExecuteRawAsync("UPDATE audit_log SET outcome = 'nothing happened' WHERE sequence = 6;");

        var refused = await Assert.ThrowsAsync<AuditCheckpointException>(() => sut.SignCheckpointsAsync(checkpointing, atHead: true));

        Assert.Equal(6, refused.Sequence);
        Assert.Equal([5L], checkpointing.Store.ReadAll().Select(c => c.TreeSize));
    }

    [Fact]
    public async Task SignCheckpointsAsync_CheckpointFileRootAltered_RefusesToExtendIt()
    {
        using var keys = OpenKeys();
        var (sut, checkpointing) = await CreateCheckpointedLogAsync(keys, interval: 5);
        await AppendAsync(sut, 6);
        var text = await File.ReadAllTextAsync(checkpointing.Store.Path);
        var root = checkpointing.Store.Latest()!.RootHash;
        await File.WriteAllTextAsync(checkpointing.Store.Path, text.Replace(root, new string('a', 64), StringComparison.Ordinal));

        var refused = await Assert.ThrowsAsync<AuditCheckpointException>(() => sut.SignCheckpointsAsync(checkpointing, atHead: true));

        Assert.Contains("does not match its contents", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VerifyAsync_ChainRewrittenAndRehashedAfterCheckpoint_FailsAtTheCheckpointThatNoLongerMatches()
    {
        using var keys = OpenKeys();
        var (sut, checkpointing) = await CreateCheckpointedLogAsync(keys, interval: 5);
        await AppendAsync(sut, 12);

        await RewriteFromAsync(sut, 7, "allowed");

        // The rewrite is self-consistent: the chain alone cannot see it.
        Assert.True((await sut.VerifyAsync()).Intact);
        var verification = await sut.VerifyAsync(null, checkpointing.Store.ReadAll(), checkpointing.TrustedKeys);
        Assert.False(verification.Intact);
        Assert.Equal(10, verification.FirstBadSequence);
        Assert.Contains("one of records 6 to 10 was changed", verification.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VerifyAsync_FieldTamperedBelowCheckpoint_NamesThatRecord()
    {
        using var keys = OpenKeys();
        var (sut, checkpointing) = await CreateCheckpointedLogAsync(keys, interval: 5);
        await AppendAsync(sut, 12);
        await _directory.ExecuteRawAsync("UPDATE audit_log SET actor = 'agent:someone-else' WHERE sequence = 3;");

        var verification = await sut.VerifyAsync(null, checkpointing.Store.ReadAll(), checkpointing.TrustedKeys);

        Assert.False(verification.Intact);
        Assert.Equal(3, verification.FirstBadSequence);
    }

    [Fact]
    public async Task VerifyAsync_TailDeletedBelowSignedCheckpoint_ReportsFirstDeletedRecord()
    {
        using var keys = OpenKeys();
        var (sut, checkpointing) = await CreateCheckpointedLogAsync(keys, interval: 5);
        await AppendAsync(sut, 10);
        await _directory.ExecuteRawAsync("DELETE FROM audit_log WHERE sequence >= 9;");

        var verification = await sut.VerifyAsync(null, checkpointing.Store.ReadAll(), checkpointing.TrustedKeys);

        Assert.False(verification.Intact);
        Assert.Equal(9, verification.FirstBadSequence);
        Assert.Contains("truncated", verification.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VerifyAsync_IntactLogWithCheckpoints_IsIntact()
    {
        using var keys = OpenKeys();
        var (sut, checkpointing) = await CreateCheckpointedLogAsync(keys, interval: 4);
        await AppendAsync(sut, 11);

        var verification = await sut.VerifyAsync(await sut.CheckpointAsync(), checkpointing.Store.ReadAll(), checkpointing.TrustedKeys);

        Assert.True(verification.Intact, verification.Problem);
        Assert.Equal(11, verification.RecordsChecked);
    }

    [Fact]
    public async Task VerifyAsync_CheckpointAlteredOrSignedByAnotherKey_IsRefused()
    {
        using var keys = OpenKeys();
        var (sut, checkpointing) = await CreateCheckpointedLogAsync(keys, interval: 5);
        await AppendAsync(sut, 5);
        var genuine = checkpointing.Store.Latest()!;
        using var forger = new AuditCheckpointSigner(ECDsa.Create(ECCurve.NamedCurves.nistP256), keys.KeyId);
        var forged = forger.Sign(genuine.TreeSize, genuine.RootHash, genuine.HeadHash, genuine.Time);

        foreach (var bad in new[]
        {
            genuine with { TreeSize = 4 },
            genuine with { RootHash = new string('0', 64) },
            genuine with { Time = genuine.Time.AddSeconds(1) },
            genuine with { Signature = forged.Signature },
            genuine with { Signature = Convert.ToBase64String(new byte[64]).TrimEnd('=').Replace('+', '-').Replace('/', '_') },
            genuine with { KeyId = "not-our-key" },
        })
        {
            Assert.NotNull(AuditCheckpointVerifier.Problem(bad, checkpointing.TrustedKeys));
            await Assert.ThrowsAsync<AuditCheckpointException>(() => sut.VerifyAsync(null, [bad], checkpointing.TrustedKeys));
        }
        Assert.Null(AuditCheckpointVerifier.Problem(genuine, checkpointing.TrustedKeys));
    }

    [Theory]
    [InlineData("UPDATE audit_log SET outcome = 'denied' WHERE sequence = 3;")]
    [InlineData("DELETE FROM audit_log WHERE sequence >= 4;")]
    [InlineData("UPDATE audit_log SET decisions = 'not json' WHERE sequence = 2;")]
    public async Task VerifyAsync_ForgedCheckpointAndATamperedChain_TheForgedCheckpointIsWhatIsReported(string tamper)
    {
        // The signatures are checked while the chain is read; a bad signature must still be the answer, whatever the
        // chain turns out to be, as when they were checked first.
        using var keys = OpenKeys();
        var (sut, checkpointing) = await CreateCheckpointedLogAsync(keys, interval: 5);
        await AppendAsync(sut, 5);
        var genuine = checkpointing.Store.Latest()!;
        await _directory.ExecuteRawAsync(tamper);

        var tamperedOnly = await sut.VerifyAsync(null, [genuine], checkpointing.TrustedKeys);
        var refused = await Assert.ThrowsAsync<AuditCheckpointException>(() => sut.VerifyAsync(null, [genuine with { RootHash = new string('0', 64) }], checkpointing.TrustedKeys));

        Assert.False(tamperedOnly.Intact);
        Assert.StartsWith("Refusing the signed checkpoints:", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ProveAsync_EveryRecord_ProofVerifiesOfflineFromItsJsonAndFailsWhenAltered()
    {
        using var keys = OpenKeys();
        var (sut, checkpointing) = await CreateCheckpointedLogAsync(keys, interval: 10);
        await AppendAsync(sut, 23);
        var checkpoint = Assert.Single(await sut.SignCheckpointsAsync(checkpointing, atHead: true));
        var lines = await ExportLinesAsync(sut);

        for (var sequence = 1; sequence <= 23; sequence++)
        {
            var proof = await sut.ProveAsync(sequence, checkpoint);
            var offline = AuditInclusionProof.FromJson(JsonNode.Parse(proof.ToJson().ToJsonString()));

            Assert.Null(offline.Problem(checkpointing.TrustedKeys));
            Assert.Equal(lines[sequence - 1], offline.Record);
            Assert.Equal(sequence - 1, offline.LeafIndex);
            var otherRecord = offline with { Record = lines[sequence % 23] };
            Assert.NotNull(otherRecord.Problem(checkpointing.TrustedKeys));
            var wrongIndex = offline with { Sequence = (sequence % 23) + 1, LeafIndex = sequence % 23 };
            Assert.NotNull(wrongIndex.Problem(checkpointing.TrustedKeys));
            var editedRecord = offline with { Record = offline.Record.Replace("\"executed\"", "\"skipped\"", StringComparison.Ordinal) };
            Assert.NotNull(editedRecord.Problem(checkpointing.TrustedKeys));
        }
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => sut.ProveAsync(24, checkpoint));
    }

    [Fact]
    public async Task ProveAsync_LogChangedSinceCheckpoint_Throws()
    {
        using var keys = OpenKeys();
        var (sut, checkpointing) = await CreateCheckpointedLogAsync(keys, interval: 5);
        await AppendAsync(sut, 5);
        await RewriteFromAsync(sut, 2, "allowed");

        await Assert.ThrowsAsync<AuditCheckpointException>(() => sut.ProveAsync(1, checkpointing.Store.Latest()!));
    }

    [Fact]
    public async Task AppendAsync_HumanAndAgentEvents_ShareOneProvableChainEachWithItsDelegationChain()
    {
        using var keys = OpenKeys();
        var (sut, checkpointing) = await CreateCheckpointedLogAsync(keys, interval: 100);
        string[] agentChain = ["alice@example.com → spiffe://agentops.local/agent/planner [git:write:repo/platform-gitops]",
            "spiffe://agentops.local/agent/planner → spiffe://agentops.local/agent/infra-provisioner [git:write:repo/platform-gitops]"];

        var agent = await sut.AppendAsync(new AuditEntry("run-1", "spiffe://agentops.local/agent/infra-provisioner", agentChain, "git/pull_request_open",
            "sha256:args", [new LayerDecision("scope", Verdict.Allow, "R1", "in scope")], "succeeded", "sha256:result"));
        // A person approving and merging goes through the same log; like the CLI, the caller passes no chain.
        var approval = await sut.AppendAsync(new AuditEntry("run-1", "bob@example.com", [], "forge/approve", "platform-gitops#1",
            [new LayerDecision("forge", Verdict.Allow, "forge.review.approved", "approved")], "approved"));
        var merge = await sut.AppendAsync(new AuditEntry("run-1", "bob@example.com", [], "forge/merge", "platform-gitops#1", [], "merged"));

        var records = await sut.ReadAsync();
        Assert.Equal([agent.Hash, approval.Hash, merge.Hash], records.Select(r => r.Hash));
        Assert.Equal(agent.Hash, approval.PrevHash);
        Assert.Equal(approval.Hash, merge.PrevHash);
        Assert.Equal(agentChain, records[0].DelegationChain);
        Assert.Equal(["bob@example.com"], records[1].DelegationChain);
        Assert.Equal(["bob@example.com"], records[2].DelegationChain);
        Assert.True((await sut.VerifyAsync()).Intact);
        var checkpoint = Assert.Single(await sut.SignCheckpointsAsync(checkpointing, atHead: true));
        foreach (var record in records)
        {
            Assert.Null((await sut.ProveAsync(record.Sequence, checkpoint)).Problem(checkpointing.TrustedKeys));
        }
        var otlp = JsonNode.Parse(Assert.Single(await ToListAsync(sut.ExportOtlpJsonAsync())))!;
        var logs = otlp["resourceLogs"]![0]!["scopeLogs"]![0]!["logRecords"]!.AsArray();
        Assert.Equal(["agent", "human", "human"], logs.Select(l => AttributeString(l!, "agentops.actor.kind")));
        Assert.Equal(agentChain, AttributeArray(logs[0]!, "agentops.delegation_chain"));
        Assert.Equal(["bob@example.com"], AttributeArray(logs[1]!, "agentops.delegation_chain"));
    }

    private SigningKeyStore OpenKeys() => SigningKeyStore.OpenOrCreate(Path.Combine(_directory.Root, "keys"), _time);

    private async Task<(SqliteAuditLog Log, AuditCheckpointing Checkpointing)> CreateCheckpointedLogAsync(SigningKeyStore keys, int interval)
    {
        var checkpointing = new AuditCheckpointing(
            AuditCheckpointSigner.FromKeyStore(keys),
            new AuditCheckpointLog(Path.Combine(_directory.Root, "audit-checkpoints.jsonl")),
            JsonWebKeySet.Parse(keys.JwksJson),
            interval);
        return (new SqliteAuditLog(await SqliteDatabase.OpenAsync(_directory.DatabasePath), _time, checkpointing), checkpointing);
    }

    /// <summary>Changes one record's outcome and re-hashes the chain from there on, as a careful tamperer would.</summary>
    private async Task RewriteFromAsync(SqliteAuditLog log, long sequence, string outcome)
    {
        var records = await log.ReadAsync();
        var previous = records[(int)sequence - 2].Hash;
        foreach (var record in records.Where(r => r.Sequence >= sequence))
        {
            var changed = record with { Outcome = record.Sequence == sequence ? outcome : record.Outcome, PrevHash = previous };
            changed = changed with { Hash = AuditRecordJson.ComputeHash(changed) };
            await _directory.ExecuteRawAsync(
                $"UPDATE audit_log SET outcome = '{changed.Outcome}', prev_hash = '{changed.PrevHash}', hash = '{changed.Hash}' WHERE sequence = {changed.Sequence};");
            previous = changed.Hash;
        }
    }

    private static async Task<List<string>> ExportLinesAsync(SqliteAuditLog log) => await ToListAsync(log.ExportJsonLinesAsync());

    private static async Task<List<string>> ToListAsync(IAsyncEnumerable<string> lines)
    {
        var list = new List<string>();
        await foreach (var line in lines)
        {
            list.Add(line);
        }
        return list;
    }

    private static string AttributeString(JsonNode log, string key) =>
        log["attributes"]!.AsArray().Single(a => a!["key"]!.GetValue<string>() == key)!["value"]!["stringValue"]!.GetValue<string>();

    private static string[] AttributeArray(JsonNode log, string key) =>
        log["attributes"]!.AsArray().Single(a => a!["key"]!.GetValue<string>() == key)!["value"]!["arrayValue"]!["values"]!.AsArray()
            .Select(v => v!["stringValue"]!.GetValue<string>()).ToArray();

    /// <summary>The root a version 2 checkpoint signs: each leaf is the 32 bytes of a record's chain hash.</summary>
    private static string ChainHashRoot(IEnumerable<AuditRecord> records) =>
        ReferenceRoot(records.Select(r => Convert.FromHexString(r.Hash["sha256:".Length..])).ToArray());

    // RFC 6962 §2.1 written out independently of MerkleTree: MTH over the raw leaves, hex.
    private static string ReferenceRoot(byte[][] leaves)
    {
        static byte[] Mth(byte[][] d)
        {
            if (d.Length == 1)
            {
                return SHA256.HashData([0x00, .. d[0]]);
            }
            var k = 1;
            while (k * 2 < d.Length)
            {
                k *= 2;
            }
            return SHA256.HashData([0x01, .. Mth(d[..k]), .. Mth(d[k..])]);
        }
        return Convert.ToHexStringLower(Mth(leaves));
    }
}

/// <summary>Checking many checkpoint signatures on every core must name the same checkpoint the one-by-one check would.</summary>
public sealed class AuditCheckpointVerifierFirstProblemTests : IDisposable
{
    private readonly TestDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Theory]
    [InlineData(new int[0])]
    [InlineData(new[] { 700 })]
    [InlineData(new[] { 900, 150 })]
    [InlineData(new[] { 1199, 0 })]
    public void FirstProblem_ManyCheckpoints_NamesTheFirstBadOneInListOrder(int[] altered)
    {
        using var keys = SigningKeyStore.OpenOrCreate(Path.Combine(_directory.Root, "keys"), TimeProvider.System);
        using var signer = AuditCheckpointSigner.FromKeyStore(keys);
        using var trusted = JsonWebKeySet.Parse(keys.JwksJson);
        var time = new DateTimeOffset(2026, 11, 30, 3, 0, 0, TimeSpan.Zero);
        var checkpoints = Enumerable.Range(1, 1200)
            .Select(n => signer.Sign(n * 100, Convert.ToHexStringLower(SHA256.HashData(BitConverter.GetBytes(n))), $"sha256:{new string('a', 64)}", time))
            .ToArray();
        foreach (var index in altered)
        {
            // Same signature over a different root: what an edited checkpoint file looks like.
            checkpoints[index] = checkpoints[index] with { RootHash = new string('0', 64) };
        }

        var oneByOne = checkpoints.Select(c => AuditCheckpointVerifier.Problem(c, trusted)).FirstOrDefault(p => p is not null);
        var everyCore = AuditCheckpointVerifier.FirstProblem(checkpoints, trusted);

        Assert.Equal(oneByOne, everyCore);
        if (altered.Length == 0)
        {
            Assert.Null(everyCore);
        }
        else
        {
            Assert.Contains($"checkpoint of {(altered.Min() + 1) * 100} records", everyCore);
        }
    }
}
