using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AgentOps.Core;
using AgentOps.Identity;
using AgentOps.Storage;
using AgentOps.Storage.Tests;

namespace AgentOps.Cli.Tests;

/// <summary>
/// <c>agentops audit checkpoint|prove|verify-proof|verify|export</c> on the real binary: signed checkpoints every N
/// records, proofs checked offline, a rebuilt chain caught by a signature, OTLP export, and human and agent events in one chain.
/// </summary>
public sealed class AuditProofEndToEndTests : IDisposable
{
    private readonly TempDirectory _data = new();
    private readonly CliProcess _sut;
    private readonly ForgeInspector _forge;

    public AuditProofEndToEndTests()
    {
        _sut = new CliProcess(_data.Path, new Dictionary<string, string> { ["AgentOps__Audit__Checkpoints__Interval"] = "4" });
        _forge = new ForgeInspector(_data.Path);
    }

    public void Dispose() => _data.Dispose();

    private string JwksPath => Path.Combine(_data.Path, "keys", "jwks.json");

    private string CheckpointsPath => Path.Combine(_data.Path, "audit-checkpoints.jsonl");

    [Fact]
    public async Task AuditProve_RecordsAfterAChat_ProofVerifiesOfflineAndAlteredProofsAreRefused()
    {
        await ChatAsync();
        var last = _forge.AuditRows().Max(r => r.Sequence);

        // Every leaf of many tree sizes is covered by the storage tests; here the first, a middle and the last record.
        foreach (var sequence in new[] { 1L, 2L, last / 2, last })
        {
            var prove = await _sut.RunAsync("audit", "prove", sequence.ToString(System.Globalization.CultureInfo.InvariantCulture), "--json");
            Assert.True(prove.ExitCode == 0, prove.ToString());
            // Proved against the newest signed checkpoint, signed at the head only when none covers the record yet.
            var treeSize = prove.Json["treeSize"]!.GetValue<long>();
            Assert.Equal(File.ReadAllLines(CheckpointsPath).Select(l => JsonNode.Parse(l)!["treeSize"]!.GetValue<long>()).Max(), treeSize);
            Assert.InRange(treeSize, sequence, last);
            Assert.Equal(sequence, JsonNode.Parse(prove.Json["record"]!.GetValue<string>())!["sequence"]!.GetValue<long>());
            var file = Path.Combine(_data.Path, $"proof-{sequence}.json");
            await File.WriteAllTextAsync(file, prove.Stdout);

            var check = await _sut.RunAsync("audit", "verify-proof", file, "--jwks", JwksPath, "--json");
            Assert.True(check.ExitCode == 0, check.ToString());
            Assert.True(check.Json["valid"]!.GetValue<bool>());
        }

        var proof = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(_data.Path, "proof-2.json")))!.AsObject();
        await AssertRefusedAsync(Altered(proof, p => p["record"] = p["record"]!.GetValue<string>().Replace("\"actor\":\"", "\"actor\":\"x", StringComparison.Ordinal)));
        await AssertRefusedAsync(Altered(proof, p => p["checkpoint"]!["rootHash"] = new string('0', 64)));
        await AssertRefusedAsync(Altered(proof, p => p["checkpoint"]!["treeSize"] = last + 1));
        await AssertRefusedAsync(Altered(proof, p => p["auditPath"]![0] = new string('f', 64)));
        await AssertRefusedAsync(Altered(proof, p => p["leafIndex"] = 0));
        // Signed by a key the verifier does not trust, under the genuine key id: refused.
        using var stranger = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var forgedSignature = Convert.ToBase64String(stranger.SignData(Encoding.UTF8.GetBytes("anything"), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation))
            .TrimEnd('=').Replace('+', '-').Replace('/', '_');
        await AssertRefusedAsync(Altered(proof, p => p["checkpoint"]!["signature"] = forgedSignature));
    }

    [Fact]
    public async Task AuditProve_NewCheckpoints_AreVersion2_AndTheProofSaysItsLeafIsTheRecordsChainHash()
    {
        await ChatAsync();

        var text = await _sut.RunAsync("audit", "prove", "1");
        var json = await _sut.RunAsync("audit", "prove", "1", "--json");

        Assert.True(text.ExitCode == 0, text.ToString());
        Assert.Contains("= SHA-256(0x00 || the record's chain hash)", text.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("exported JSON line", text.Stdout, StringComparison.Ordinal);
        Assert.True(json.ExitCode == 0, json.ToString());
        Assert.Equal("SHA-256(0x00 || the record's chain hash)", json.Json["leaf"]!.GetValue<string>());
        Assert.Equal(2, json.Json["checkpoint"]!["version"]!.GetValue<int>());
        Assert.All(File.ReadAllLines(CheckpointsPath), line => Assert.Equal(2, JsonNode.Parse(line)!["version"]!.GetValue<int>()));
        var hash = JsonNode.Parse(json.Json["record"]!.GetValue<string>())!["hash"]!.GetValue<string>();
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData([0x00, .. Convert.FromHexString(hash["sha256:".Length..])])), json.Json["leafHash"]!.GetValue<string>());
    }

    [Fact]
    public async Task AuditVerify_CheckpointsOfTheOldFormat_StillVerify_AndTheNextOnesAreVersion2()
    {
        await ChatAsync();
        var lines = (await _sut.RunAsync("audit", "export")).Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length >= 9, $"the chat wrote only {lines.Length} records");
        // The checkpoint file as it was before version 2: its leaves the exported lines, and no version member.
        await File.WriteAllLinesAsync(CheckpointsPath, [Version1Checkpoint(lines, 4), Version1Checkpoint(lines, 8)]);

        var verify = await _sut.RunAsync("audit", "verify", "--json");
        var again = await _sut.RunAsync("audit", "verify", "--json");

        Assert.True(verify.ExitCode == 0, verify.ToString());
        Assert.True(again.ExitCode == 0, again.ToString());
        var stored = File.ReadAllLines(CheckpointsPath).Select(l => JsonNode.Parse(l)!).ToArray();
        Assert.Equal(Enumerable.Range(1, lines.Length / 4).Select(i => i * 4L), stored.Select(c => c["treeSize"]!.GetValue<long>()));
        Assert.Equal([1, 1, .. Enumerable.Repeat(2, stored.Length - 2)], stored.Select(c => c["version"]?.GetValue<int>() ?? 1));
        var proof = await _sut.RunAsync("audit", "prove", "2", "--json");
        Assert.True(proof.ExitCode == 0, proof.ToString());

        // Still signed: the old checkpoint's root altered is refused, as before.
        var text = await File.ReadAllTextAsync(CheckpointsPath);
        await File.WriteAllTextAsync(CheckpointsPath, text.Replace(stored[0]["rootHash"]!.GetValue<string>(), new string('a', 64), StringComparison.Ordinal));
        var forged = await _sut.RunAsync("audit", "verify", "--json");
        Assert.Equal(1, forged.ExitCode);
        Assert.Contains("forged or altered", forged.Json["problem"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Chat_WithoutAnyAuditCommand_HasSignedEveryCheckpointThatFellDue()
    {
        await ChatAsync();
        var last = _forge.AuditRows().Max(r => r.Sequence);

        // The chat's own end signs what fell due, after verifying the chain; nobody ran `audit`.
        var sizes = File.ReadAllLines(CheckpointsPath).Select(l => JsonNode.Parse(l)!["treeSize"]!.GetValue<long>()).ToArray();

        Assert.True(last >= 4, $"the chat wrote only {last} records");
        Assert.Equal(Enumerable.Range(1, (int)(last / 4)).Select(i => i * 4L), sizes);
    }

    [Fact]
    public async Task AuditVerify_AfterChat_SignsACheckpointEveryFourRecords()
    {
        await ChatAsync();
        var last = _forge.AuditRows().Max(r => r.Sequence);

        var verify = await _sut.RunAsync("audit", "verify", "--json");

        Assert.True(verify.ExitCode == 0, verify.ToString());
        var sizes = File.ReadAllLines(CheckpointsPath).Select(l => JsonNode.Parse(l)!["treeSize"]!.GetValue<long>()).ToArray();
        Assert.Equal(Enumerable.Range(1, (int)(last / 4)).Select(i => i * 4L), sizes);
        Assert.Equal(last / 4 * 4, verify.Json["signedCheckpoint"]!["treeSize"]!.GetValue<long>());

        var onDemand = await _sut.RunAsync("audit", "checkpoint", "--json");
        Assert.True(onDemand.ExitCode == 0, onDemand.ToString());
        Assert.Equal(last, onDemand.Json["latest"]!["treeSize"]!.GetValue<long>());
    }

    [Fact]
    public async Task AuditVerify_ChainRehashedAndHeadFileRewritten_SignedCheckpointNamesWhereItNoLongerMatches()
    {
        await ChatAsync();
        var signed = await _sut.RunAsync("audit", "checkpoint", "--json");
        Assert.True(signed.ExitCode == 0, signed.ToString());
        var last = signed.Json["latest"]!["treeSize"]!.GetValue<long>();

        // A careful tamperer: change record 2, re-hash everything after it, and move the unsigned head file along.
        var newHead = await RewriteFromAsync(2);
        await File.WriteAllTextAsync(Path.Combine(_data.Path, "audit-head.json"), new JsonObject { ["sequence"] = last, ["hash"] = newHead }.ToJsonString());
        var result = await _sut.RunAsync("audit", "verify", "--json");

        Assert.Equal(1, result.ExitCode);
        Assert.False(result.Json["intact"]!.GetValue<bool>());
        Assert.Equal(4, result.Json["firstBadSequence"]!.GetValue<long>());
        Assert.Contains("one of records 1 to 4 was changed", result.Json["problem"]!.GetValue<string>(), StringComparison.Ordinal);
        var prove = await _sut.RunAsync("audit", "prove", "1", "--json");
        Assert.Equal(1, prove.ExitCode);
    }

    [Fact]
    public async Task AuditVerify_CheckpointFileForged_IsRefused()
    {
        await ChatAsync();
        var signed = await _sut.RunAsync("audit", "checkpoint", "--json");
        Assert.True(signed.ExitCode == 0, signed.ToString());
        var root = signed.Json["latest"]!["rootHash"]!.GetValue<string>();
        var text = await File.ReadAllTextAsync(CheckpointsPath);
        await File.WriteAllTextAsync(CheckpointsPath, text.Replace(root, new string('a', 64), StringComparison.Ordinal));

        var result = await _sut.RunAsync("audit", "verify", "--json");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("audit-checkpoint-refused", result.Json["error"]!["code"]!.GetValue<string>());
        Assert.Contains("forged or altered", result.Json["problem"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AuditExport_OtlpJsonToFile_WritesExportLogsServiceRequestsForEveryRecord()
    {
        await ChatAsync();
        var last = _forge.AuditRows().Max(r => r.Sequence);
        var output = Path.Combine(_data.Path, "audit.otlp.jsonl");

        var export = await _sut.RunAsync("audit", "export", "--format", "otlp-json", "--out", output, "--json");

        Assert.True(export.ExitCode == 0, export.ToString());
        var lines = File.ReadAllLines(output);
        Assert.Equal(lines.Length, export.Json["lines"]!.GetValue<int>());
        var logs = new List<JsonNode>();
        foreach (var line in lines)
        {
            using var document = JsonDocument.Parse(line);
            OtlpJsonShape.ExportLogsServiceRequest(document.RootElement);
            logs.AddRange(JsonNode.Parse(line)!["resourceLogs"]![0]!["scopeLogs"]![0]!["logRecords"]!.AsArray().Select(l => l!));
        }
        Assert.Equal(Enumerable.Range(1, (int)last).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            logs.Select(l => Attribute(l, "agentops.audit.sequence")["intValue"]!.GetValue<string>()));
        Assert.All(logs, l => Assert.Matches("^[0-9a-f]{32}$", l["traceId"]!.GetValue<string>()));
        var jsonl = await _sut.RunAsync("audit", "export", "--format", "jsonl");
        Assert.Equal(last, jsonl.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Fact]
    public async Task Audit_HumanApprovalAndMergeAndAgentSteps_LandInOneProvableChainWithDelegationChains()
    {
        await ChatAsync();
        var approve = await _sut.RunAsync("pr", "approve", "1", "--as", "bob@example.com");
        Assert.True(approve.ExitCode == 0, approve.ToString());
        var merge = await _sut.RunAsync("pr", "merge", "1", "--as", "bob@example.com");
        Assert.True(merge.ExitCode == 0, merge.ToString());

        var export = await _sut.RunAsync("audit", "export");
        var records = export.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!.AsObject()).ToArray();

        var agentStep = records.First(r => PrincipalName.IsAgent(r["actor"]!.GetValue<string>()) && r["action"]!.GetValue<string>().Contains('/', StringComparison.Ordinal)
            && r["delegation_chain"]!.AsArray().Count >= 2);
        var human = records.Single(r => r["action"]!.GetValue<string>() == "forge/approve" && r["outcome"]!.GetValue<string>() == "approved");
        var merged = records.Single(r => r["action"]!.GetValue<string>() == "forge/merge" && r["outcome"]!.GetValue<string>() == "merged");
        Assert.Equal(["bob@example.com"], human["delegation_chain"]!.AsArray().Select(l => l!.GetValue<string>()));
        Assert.Equal(["bob@example.com"], merged["delegation_chain"]!.AsArray().Select(l => l!.GetValue<string>()));
        Assert.StartsWith("developer@example.com → ", agentStep["delegation_chain"]![0]!.GetValue<string>(), StringComparison.Ordinal);
        // One chain: every record links to the one before it, humans and agents alike.
        for (var i = 1; i < records.Length; i++)
        {
            Assert.Equal(records[i - 1]["hash"]!.GetValue<string>(), records[i]["prev_hash"]!.GetValue<string>());
        }
        var verify = await _sut.RunAsync("audit", "verify", "--json");
        Assert.True(verify.ExitCode == 0, verify.ToString());
        foreach (var record in new[] { agentStep, human, merged })
        {
            var prove = await _sut.RunAsync("audit", "prove", record["sequence"]!.GetValue<long>().ToString(System.Globalization.CultureInfo.InvariantCulture), "--json");
            Assert.True(prove.ExitCode == 0, prove.ToString());
            Assert.Equal(CanonicalJson.Serialize(record), prove.Json["record"]!.GetValue<string>());
        }
    }

    [Fact]
    public async Task AuditCheckpoint_IntervalZero_IsAUsageError()
    {
        var sut = new CliProcess(_data.Path, new Dictionary<string, string> { ["AgentOps__Audit__Checkpoints__Interval"] = "0" });

        var result = await sut.RunAsync("audit", "checkpoint", "--json");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("AgentOps:Audit:Checkpoints", result.Json["error"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    private async Task ChatAsync()
    {
        var chat = await _sut.RunAsync("chat", ChatEndToEndTests.ReadmeRequest);
        Assert.True(chat.ExitCode == 0, chat.ToString());
    }

    private async Task AssertRefusedAsync(JsonObject proof)
    {
        var file = Path.Combine(_data.Path, $"altered-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, proof.ToJsonString());
        var result = await _sut.RunAsync("audit", "verify-proof", file, "--jwks", JwksPath, "--json");
        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.False(result.Json["valid"]!.GetValue<bool>());
    }

    private static JsonObject Altered(JsonObject proof, Action<JsonObject> change)
    {
        var copy = proof.DeepClone().AsObject();
        change(copy);
        return copy;
    }

    /// <summary>Changes record <paramref name="from"/>'s outcome and re-hashes the chain after it, from the exported lines.</summary>
    private async Task<string> RewriteFromAsync(long from)
    {
        var export = await _sut.RunAsync("audit", "export");
        var records = export.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!.AsObject()).ToArray();
        var previous = records[from - 2]["hash"]!.GetValue<string>();
        foreach (var record in records.Where(r => r["sequence"]!.GetValue<long>() >= from))
        {
            if (record["sequence"]!.GetValue<long>() == from)
            {
                record["outcome"] = "nothing to see";
            }
            record["prev_hash"] = previous;
            record.Remove("hash");
            var hash = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(CanonicalJson.Serialize(record))));
            _forge.Execute($"UPDATE audit_log SET outcome = '{record["outcome"]!.GetValue<string>()}', prev_hash = '{previous}', hash = '{hash}' WHERE sequence = {record["sequence"]!.GetValue<long>()}");
            previous = hash;
        }
        return previous;
    }

    /// <summary>
    /// A checkpoint line exactly as the format before version 2 wrote it, signed with the broker's key: body first line
    /// agentops-audit-checkpoint/v1, each leaf the exported JSON line, and the frontier over those leaves.
    /// </summary>
    private string Version1Checkpoint(string[] lines, int size)
    {
        using var keys = SigningKeyStore.OpenOrCreate(Path.Combine(_data.Path, "keys"), TimeProvider.System);
        var frontier = new MerkleFrontier();
        foreach (var line in lines.Take(size))
        {
            frontier.Append(SHA256.HashData([0x00, .. Encoding.UTF8.GetBytes(line)]));
        }
        var root = Convert.ToHexStringLower(frontier.Root());
        var head = JsonNode.Parse(lines[size - 1])!["hash"]!.GetValue<string>();
        var time = TimeProvider.System.GetUtcNow().UtcDateTime.ToString("O", System.Globalization.CultureInfo.InvariantCulture);
        var body = $"agentops-audit-checkpoint/v1\ntree_size {size}\nroot_hash {root}\nhead_hash {head}\ntime {time}\nkey_id {keys.KeyId}\n";
        using var key = ECDsa.Create();
        key.ImportFromPem(File.ReadAllText(Path.Combine(_data.Path, "keys", SigningKeyStore.KeyFileName)));
        var signature = key.SignData(Encoding.UTF8.GetBytes(body), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        return new JsonObject
        {
            ["treeSize"] = size,
            ["rootHash"] = root,
            ["headHash"] = head,
            ["time"] = time,
            ["keyId"] = keys.KeyId,
            ["signature"] = Base64Url.EncodeToString(signature),
            ["frontier"] = new JsonArray(frontier.Subtrees.Select(s => (JsonNode?)JsonValue.Create(Convert.ToHexStringLower(s))).ToArray()),
        }.ToJsonString();
    }

    private static JsonNode Attribute(JsonNode log, string key) =>
        log["attributes"]!.AsArray().Single(a => a!["key"]!.GetValue<string>() == key)!["value"]!;
}
