using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using AgentOps.Core;
using AgentOps.Identity;

namespace AgentOps.Storage.Tests;

/// <summary>
/// Checkpoint formats. Version 2, signed now, takes each record's chain hash as its Merkle leaf; version 1, signed
/// before, took the exported JSON line. Version 1 checkpoints already out there must verify as they always did, alone
/// or followed by version 2 ones, on the record-by-record walk and on the parallel check alike; and the version is
/// signed, so it cannot be changed to make one format's root pass for the other's.
/// </summary>
public sealed partial class SqliteAuditLogTests
{
    private const string ChainHashLeaf = "SHA-256(0x00 || the record's chain hash)";

    [Fact]
    public async Task SignCheckpointsAsync_NewCheckpoints_AreVersion2_SignedAsV2_AndVerify()
    {
        using var keys = OpenKeys();
        var (sut, checkpointing) = await CreateCheckpointedLogAsync(keys, interval: 5);
        await AppendAsync(sut, 6);

        var onDemand = Assert.Single(await sut.SignCheckpointsAsync(checkpointing, atHead: true));

        var stored = checkpointing.Store.ReadAll();
        Assert.Equal([5L, 6L], stored.Select(c => c.TreeSize));
        Assert.All(stored, c => Assert.Equal(SignedAuditCheckpoint.ChainHashLeafVersion, c.Version));
        Assert.StartsWith("agentops-audit-checkpoint/v2\ntree_size 6\n", onDemand.SignedBody(), StringComparison.Ordinal);
        Assert.All(await File.ReadAllLinesAsync(checkpointing.Store.Path), line => Assert.Equal(2, JsonNode.Parse(line)!["version"]!.GetValue<int>()));
        Assert.Equal(ChainHashRoot(await sut.ReadAsync()), onDemand.RootHash);
        Assert.Null(AuditCheckpointVerifier.Problem(onDemand, checkpointing.TrustedKeys));
        var verification = await sut.VerifyAsync(null, stored, checkpointing.TrustedKeys);
        Assert.True(verification.Intact, verification.Problem);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task VerifyAsync_Version1CheckpointsAsTheOldFormatWroteThem_StillVerify_AndStillCatchARewrite(bool inParallel)
    {
        using var keys = OpenKeys();
        var (_, checkpointing) = await CreateCheckpointedLogAsync(keys, interval: 100);
        var sut = await VerifyingLogAsync(inParallel);
        await AppendAsync(sut, 12);

        var written = await SignVersion1Async(sut, checkpointing, 4, 8, 12);

        var stored = checkpointing.Store.ReadAll();
        Assert.Equal(written, stored);
        Assert.All(stored, c => Assert.StartsWith("agentops-audit-checkpoint/v1\n", c.SignedBody(), StringComparison.Ordinal));
        // Exactly the lines the old format wrote: no version member.
        Assert.DoesNotContain("version", await File.ReadAllTextAsync(checkpointing.Store.Path), StringComparison.Ordinal);
        var verification = await sut.VerifyAsync(null, stored, checkpointing.TrustedKeys);
        Assert.True(verification.Intact, verification.Problem);
        Assert.Equal(inParallel, await sut.TryVerifyInParallelAsync(null, CancellationToken.None, stored) is { Intact: true });

        await RewriteFromAsync(sut, 6, "allowed");
        var rewritten = await sut.VerifyAsync(null, stored, checkpointing.TrustedKeys);
        Assert.False(rewritten.Intact);
        Assert.Equal(8, rewritten.FirstBadSequence);
        Assert.Contains("one of records 5 to 8 was changed", rewritten.Problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task VerifyAsync_Version1CheckpointsThenVersion2Ones_Verifies(bool inParallel)
    {
        using var keys = OpenKeys();
        var (checkpointing, sut) = await CreateMixedLogAsync(keys, inParallel);

        var stored = checkpointing.Store.ReadAll();
        Assert.Equal([4L, 8L, 12L, 16L], stored.Select(c => c.TreeSize));
        Assert.Equal([1, 1, 2, 2], stored.Select(c => c.Version));
        var records = await sut.ReadAsync();
        Assert.Equal(ChainHashRoot(records.Take(12)), stored[2].RootHash);
        Assert.Equal(ChainHashRoot(records.Take(16)), stored[3].RootHash);
        var verification = await sut.VerifyAsync(await sut.CheckpointAsync(), stored, checkpointing.TrustedKeys);
        Assert.True(verification.Intact, verification.Problem);
        Assert.Equal(17, verification.RecordsChecked);
        Assert.Equal(inParallel, await sut.TryVerifyInParallelAsync(null, CancellationToken.None, stored) is { Intact: true });
    }

    [Fact]
    public async Task VerifyAsync_LogOfManyVersion2Checkpoints_ParallelCheckHashesLeavesInLanes_AndAgreesWithTheWalk()
    {
        // 3 parts of 67 records: whole sets of 16 and 8 lanes and a tail in every part, and checkpoints across the seams.
        using var keys = OpenKeys();
        var (signing, checkpointing) = await CreateCheckpointedLogAsync(keys, interval: 7);
        await AppendAsync(signing, 201);
        var stored = checkpointing.Store.ReadAll();
        Assert.Equal(28, stored.Count);
        var parallel = await VerifyingLogAsync(inParallel: true);
        var sequential = await VerifyingLogAsync(inParallel: false);

        var confirmed = await parallel.TryVerifyInParallelAsync(null, CancellationToken.None, stored);

        Assert.NotNull(confirmed);
        Assert.True(confirmed.Intact);
        Assert.Equal(await sequential.VerifyAsync(null, stored, checkpointing.TrustedKeys), confirmed);
        await RewriteFromAsync(signing, 100, "allowed");
        Assert.Null(await parallel.TryVerifyInParallelAsync(null, CancellationToken.None, stored));
        var rewritten = await parallel.VerifyAsync(null, stored, checkpointing.TrustedKeys);
        Assert.Equal(105, rewritten.FirstBadSequence);
        Assert.Contains("one of records 99 to 105 was changed", rewritten.Problem, StringComparison.Ordinal);
    }

    public static TheoryData<bool, string, long, string> MixedLogTampering() => new()
    {
        // A field changed, hash left alone: the chain itself names the record, in either format's part of the log.
        { false, "UPDATE audit_log SET actor = 'agent:mallory' WHERE sequence = 14;", 14, "record 14 was changed" },
        { true, "UPDATE audit_log SET actor = 'agent:mallory' WHERE sequence = 14;", 14, "record 14 was changed" },
        { false, "UPDATE audit_log SET outcome = 'denied' WHERE sequence = 3;", 3, "record 3 was changed" },
        { true, "UPDATE audit_log SET outcome = 'denied' WHERE sequence = 3;", 3, "record 3 was changed" },
        // Changed and re-hashed onwards: only a signed root can tell, at the first checkpoint past the change.
        { false, "rewrite 14", 16, "one of records 13 to 16 was changed" },
        { true, "rewrite 14", 16, "one of records 13 to 16 was changed" },
        { false, "rewrite 6", 8, "one of records 5 to 8 was changed" },
        { true, "rewrite 6", 8, "one of records 5 to 8 was changed" },
        { false, "DELETE FROM audit_log WHERE sequence >= 15;", 15, "truncated" },
    };

    [Theory]
    [MemberData(nameof(MixedLogTampering))]
    public async Task VerifyAsync_MixedLogTampered_NamesTheFirstBadRecordAsBefore(bool inParallel, string tamper, long firstBad, string problem)
    {
        using var keys = OpenKeys();
        var (checkpointing, sut) = await CreateMixedLogAsync(keys, inParallel);
        var stored = checkpointing.Store.ReadAll();
        if (tamper.StartsWith("rewrite ", StringComparison.Ordinal))
        {
            await RewriteFromAsync(sut, long.Parse(tamper["rewrite ".Length..], System.Globalization.CultureInfo.InvariantCulture), "allowed");
        }
        else
        {
            await _directory.ExecuteRawAsync(tamper);
        }

        var verification = await sut.VerifyAsync(null, stored, checkpointing.TrustedKeys);
        var walked = await (await VerifyingLogAsync(inParallel: false)).VerifyAsync(null, stored, checkpointing.TrustedKeys);

        Assert.False(verification.Intact);
        Assert.Equal(firstBad, verification.FirstBadSequence);
        Assert.Contains(problem, verification.Problem, StringComparison.Ordinal);
        Assert.Equal(walked, verification);
        Assert.Null(await sut.TryVerifyInParallelAsync(null, CancellationToken.None, stored));
    }

    [Fact]
    public async Task SignCheckpointsAsync_AfterVersion1Checkpoints_SignsVersion2FromRecordOne_OnlyAboveThem()
    {
        using var keys = OpenKeys();
        var (signing, checkpointing) = await CreateCheckpointedLogAsync(keys, interval: 4);
        var plain = await VerifyingLogAsync(inParallel: false);
        await AppendAsync(plain, 10);
        await SignVersion1Async(plain, checkpointing, 4, 8);

        var added = await signing.SignCheckpointsAsync(checkpointing, atHead: true);

        // Nothing is signed again below the version 1 checkpoints; the first version 2 one covers the whole log.
        var checkpoint = Assert.Single(added);
        Assert.Equal(10, checkpoint.TreeSize);
        Assert.Equal(SignedAuditCheckpoint.ChainHashLeafVersion, checkpoint.Version);
        Assert.Equal(ChainHashRoot(await plain.ReadAsync()), checkpoint.RootHash);
        Assert.Equal([1, 1, 2], checkpointing.Store.ReadAll().Select(c => c.Version));
    }

    [Fact]
    public async Task SignCheckpointsAsync_AfterAVersion1Checkpoint_RefusesWhenRecordsBelowItWereRewritten()
    {
        using var keys = OpenKeys();
        var (signing, checkpointing) = await CreateCheckpointedLogAsync(keys, interval: 4);
        var plain = await VerifyingLogAsync(inParallel: false);
        await AppendAsync(plain, 10);
        await SignVersion1Async(plain, checkpointing, 8);
        // A consistent chain from record 1 again, but not the one the version 1 checkpoint signed.
        await RewriteFromAsync(plain, 6, "allowed");

        var refused = await Assert.ThrowsAsync<AuditCheckpointException>(() => signing.SignCheckpointsAsync(checkpointing, atHead: true));

        Assert.Equal(8, refused.Sequence);
        Assert.Equal([8L], checkpointing.Store.ReadAll().Select(c => c.TreeSize));
    }

    [Fact]
    public async Task FromJson_VersionChangedInTheJson_FailsTheSignature()
    {
        using var keys = OpenKeys();
        var (sut, checkpointing) = await CreateCheckpointedLogAsync(keys, interval: 100);
        await AppendAsync(sut, 3);
        var version2 = Assert.Single(await sut.SignCheckpointsAsync(checkpointing, atHead: true));
        var version1 = checkpointing.Signer.Sign(version2.TreeSize, version2.RootHash, version2.HeadHash, version2.Time, SignedAuditCheckpoint.LineLeafVersion);
        Assert.Null(AuditCheckpointVerifier.Problem(version1, checkpointing.TrustedKeys));

        foreach (var (genuine, change) in new (SignedAuditCheckpoint, Action<JsonObject>)[]
        {
            (version2, json => json["version"] = 1),
            (version2, json => json.Remove("version")),
            (version1, json => json["version"] = 2),
        })
        {
            var json = genuine.ToJson();
            change(json);
            var flipped = SignedAuditCheckpoint.FromJson(JsonNode.Parse(json.ToJsonString()));

            Assert.NotEqual(genuine.Version, flipped.Version);
            Assert.Contains("does not match its contents", AuditCheckpointVerifier.Problem(flipped, checkpointing.TrustedKeys), StringComparison.Ordinal);
            await Assert.ThrowsAsync<AuditCheckpointException>(() => sut.VerifyAsync(null, [flipped], checkpointing.TrustedKeys));
        }
    }

    [Theory]
    [InlineData("3")]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("2.5")]
    [InlineData("\"2\"")]
    [InlineData("null")]
    [InlineData("true")]
    [InlineData("[2]")]
    public void FromJson_UnknownOrMalformedVersion_IsRejectedWithAClearMessage(string version)
    {
        using var keys = OpenKeys();
        using var signer = AuditCheckpointSigner.FromKeyStore(keys);
        var json = signer.Sign(1, new string('a', 64), "sha256:" + new string('b', 64), _time.GetUtcNow()).ToJson();
        json["version"] = JsonNode.Parse(version);

        var refused = Assert.Throws<InvalidDataException>(() => SignedAuditCheckpoint.FromJson(JsonNode.Parse(json.ToJsonString())));

        Assert.Equal($"version {version} is not a checkpoint format this verifier knows (1 or 2)", refused.Message);
        var path = Path.Combine(_directory.Root, "bad-version.jsonl");
        json["frontier"] = new JsonArray(new string('a', 64));
        File.WriteAllText(path, json.ToJsonString() + "\n");
        var unreadable = Assert.Throws<InvalidDataException>(() => new AuditCheckpointLog(path).ReadAll());
        Assert.Contains("line 1 is unreadable: version", unreadable.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Sign_UnknownVersion_IsRefused_AndAnUnknownVersionNeverVerifies()
    {
        using var keys = OpenKeys();
        using var signer = AuditCheckpointSigner.FromKeyStore(keys);
        using var trusted = JsonWebKeySet.Parse(keys.JwksJson);
        var genuine = signer.Sign(1, new string('a', 64), "sha256:" + new string('b', 64), _time.GetUtcNow());

        Assert.Throws<ArgumentException>(() => signer.Sign(1, new string('a', 64), "sha256:" + new string('b', 64), _time.GetUtcNow(), 3));
        Assert.Null(AuditCheckpointVerifier.Problem(genuine, trusted));
        Assert.Contains("is malformed: version 3", AuditCheckpointVerifier.Problem(genuine with { Version = 3 }, trusted), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ProveAsync_Version2_RoundTripsOffline_SaysWhatTheLeafIs_AndRefusesAnEditedLine()
    {
        using var keys = OpenKeys();
        var (sut, checkpointing) = await CreateCheckpointedLogAsync(keys, interval: 100);
        await AppendAsync(sut, 13);
        var checkpoint = Assert.Single(await sut.SignCheckpointsAsync(checkpointing, atHead: true));
        var records = await sut.ReadAsync();
        var lines = await ExportLinesAsync(sut);

        for (var sequence = 1; sequence <= 13; sequence++)
        {
            var json = (await sut.ProveAsync(sequence, checkpoint)).ToJson();
            var offline = AuditInclusionProof.FromJson(JsonNode.Parse(json.ToJsonString()));

            Assert.Equal(ChainHashLeaf, json["leaf"]!.GetValue<string>());
            Assert.Equal(2, json["checkpoint"]!["version"]!.GetValue<int>());
            Assert.Equal(ChainHashLeaf, offline.LeafDescription);
            Assert.Equal(lines[sequence - 1], offline.Record);
            Assert.Null(offline.Problem(checkpointing.TrustedKeys));
            // Independently: the leaf is over the 32 bytes the record's hash member spells, and the path is plain RFC 9162.
            var leaf = SHA256.HashData([0x00, .. Convert.FromHexString(records[sequence - 1].Hash["sha256:".Length..])]);
            Assert.Equal(Convert.ToHexStringLower(leaf), offline.LeafHash);
            Assert.True(MerkleTree.VerifyInclusion(leaf, sequence - 1, 13, offline.AuditPath.Select(Convert.FromHexString).ToArray(), Convert.FromHexString(checkpoint.RootHash)));
        }

        var proof = AuditInclusionProof.FromJson(JsonNode.Parse((await sut.ProveAsync(2, checkpoint)).ToJson().ToJsonString()));
        // The line edited, its hash member kept: the leaf and the path still hold, so only the line's own hash can tell.
        var edited = proof with { Record = proof.Record.Replace("\"executed\"", "\"skipped\"", StringComparison.Ordinal) };
        Assert.NotEqual(proof.Record, edited.Record);
        Assert.Equal("record 2's hash does not match its contents", edited.Problem(checkpointing.TrustedKeys));
        // The line edited and its hash member recomputed: a different leaf, which the signed root does not hold.
        var rehashed = JsonNode.Parse(edited.Record)!.AsObject();
        rehashed.Remove("hash");
        rehashed["hash"] = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(CanonicalJson.Serialize(rehashed))));
        var reforged = edited with { Record = CanonicalJson.Serialize(rehashed) };
        Assert.NotNull(reforged.Problem(checkpointing.TrustedKeys));
        Assert.NotNull((reforged with { LeafHash = Convert.ToHexStringLower(AuditRecordJson.ChainHashLeafHash(rehashed["hash"]!.GetValue<string>())) }).Problem(checkpointing.TrustedKeys));
        // The same record written another way is not the line that was proved.
        var reformatted = proof with { Record = proof.Record.Replace(",", ", ", StringComparison.Ordinal) };
        Assert.Equal("record 2 is not in the canonical form it was exported in", reformatted.Problem(checkpointing.TrustedKeys));
        // The old format's leaf presented under a version 2 checkpoint.
        var lineLeaf = proof with { LeafHash = Convert.ToHexStringLower(MerkleTree.LeafHash(Encoding.UTF8.GetBytes(proof.Record))) };
        Assert.Equal("leafHash is not SHA-256(0x00 || the record's chain hash)", lineLeaf.Problem(checkpointing.TrustedKeys));
    }

    [Fact]
    public async Task ProveAsync_Version1Checkpoint_TheLeafIsTheLineAsBefore()
    {
        using var keys = OpenKeys();
        var (_, checkpointing) = await CreateCheckpointedLogAsync(keys, interval: 100);
        var sut = await VerifyingLogAsync(inParallel: false);
        await AppendAsync(sut, 7);
        var checkpoint = Assert.Single(await SignVersion1Async(sut, checkpointing, 7));
        var lines = await ExportLinesAsync(sut);

        var json = (await sut.ProveAsync(3, checkpoint)).ToJson();
        var offline = AuditInclusionProof.FromJson(JsonNode.Parse(json.ToJsonString()));

        Assert.Null(offline.Problem(checkpointing.TrustedKeys));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData([0x00, .. Encoding.UTF8.GetBytes(lines[2])])), offline.LeafHash);
        Assert.Equal("SHA-256(0x00 || the record's exported JSON line)", offline.LeafDescription);
        Assert.False(json.ContainsKey("leaf"));
        Assert.False(json["checkpoint"]!.AsObject().ContainsKey("version"));
        Assert.NotNull((offline with { Record = offline.Record.Replace("\"executed\"", "\"skipped\"", StringComparison.Ordinal) }).Problem(checkpointing.TrustedKeys));
        var chainHashLeaf = offline with { LeafHash = Convert.ToHexStringLower(AuditRecordJson.ChainHashLeafHash((await sut.ReadAsync())[2].Hash)) };
        Assert.Equal("leafHash is not SHA-256(0x00 || record)", chainHashLeaf.Problem(checkpointing.TrustedKeys));
    }

    [Fact]
    public async Task ProveAsync_Version2_RecordChangedButNotItsHash_Throws()
    {
        using var keys = OpenKeys();
        var (sut, checkpointing) = await CreateCheckpointedLogAsync(keys, interval: 100);
        await AppendAsync(sut, 5);
        var checkpoint = Assert.Single(await sut.SignCheckpointsAsync(checkpointing, atHead: true));
        // The root is over hashes alone, so it still holds; the record no longer hashes to its own hash.
        await _directory.ExecuteRawAsync("UPDATE audit_log SET outcome = 'denied' WHERE sequence = 3;");

        var refused = await Assert.ThrowsAsync<AuditCheckpointException>(() => sut.ProveAsync(3, checkpoint));

        Assert.Equal(3, refused.Sequence);
        Assert.Null((await sut.ProveAsync(2, checkpoint)).Problem(checkpointing.TrustedKeys));
    }

    /// <summary>
    /// Records 1-9 with version 1 checkpoints at 4 and 8 as the old format wrote them; then records 10-17 appended with
    /// checkpointing on, which signs version 2 checkpoints at 12 and 16.
    /// </summary>
    private async Task<(AuditCheckpointing Checkpointing, SqliteAuditLog Verifying)> CreateMixedLogAsync(SigningKeyStore keys, bool inParallel)
    {
        var (signing, checkpointing) = await CreateCheckpointedLogAsync(keys, interval: 4);
        var verifying = await VerifyingLogAsync(inParallel);
        await AppendAsync(verifying, 9);
        await SignVersion1Async(verifying, checkpointing, 4, 8);
        await AppendAsync(signing, 8, runPrefix: "later");
        return (checkpointing, verifying);
    }

    /// <summary>A log without checkpointing on the test database, verifying record by record or in 3 parts.</summary>
    private async Task<SqliteAuditLog> VerifyingLogAsync(bool inParallel) =>
        new(await SqliteDatabase.OpenAsync(_directory.DatabasePath), _time)
        {
            ParallelVerifyParts = inParallel ? 3 : 1,
            ParallelVerifyMinimumRecords = 1,
        };

    /// <summary>
    /// Signs and stores version 1 checkpoints as the format did before version 2: each leaf is the record's exported JSON
    /// line, the root written out independently, and the frontier kept beside it over the same leaves.
    /// </summary>
    private async Task<SignedAuditCheckpoint[]> SignVersion1Async(SqliteAuditLog log, AuditCheckpointing checkpointing, params long[] sizes)
    {
        var records = await log.ReadAsync();
        var lines = (await ExportLinesAsync(log)).Select(Encoding.UTF8.GetBytes).ToArray();
        var signed = new List<SignedAuditCheckpoint>();
        foreach (var size in sizes)
        {
            var leaves = lines.Take((int)size).ToArray();
            var checkpoint = checkpointing.Signer.Sign(size, ReferenceRoot(leaves), records[(int)size - 1].Hash, _time.GetUtcNow(), SignedAuditCheckpoint.LineLeafVersion);
            var frontier = new MerkleFrontier();
            foreach (var leaf in leaves)
            {
                frontier.Append(SHA256.HashData([0x00, .. leaf]));
            }
            Assert.True(await checkpointing.Store.AppendAsync(checkpoint, frontier, CancellationToken.None));
            signed.Add(checkpoint);
        }
        return [.. signed];
    }
}
