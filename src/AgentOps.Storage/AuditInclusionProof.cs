using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AgentOps.Core;
using AgentOps.Identity;

namespace AgentOps.Storage;

/// <summary>
/// Proof that one audit record is in the tree a signed checkpoint commits to (RFC 6962 §2.1.1). It carries everything
/// a verifier needs but the trusted key set, so it can be checked offline, away from the database, with
/// <see cref="Problem"/> or any RFC 9162 implementation given <see cref="LeafHash"/>. What the leaf is depends on the
/// checkpoint's signed version: for version 2, the 32 bytes of the record's chain hash (its <c>hash</c> member), which
/// is SHA-256 over the record's canonical JSON without that member; for version 1, the UTF-8 bytes of <see cref="Record"/>.
/// </summary>
/// <param name="Record">The record's exported JSON line (canonical JSON, hash included).</param>
/// <param name="LeafHash">Lower-case hex: SHA-256(0x00 || the record's chain hash bytes) for a version 2 checkpoint, SHA-256(0x00 || Record) for version 1.</param>
/// <param name="AuditPath">Sibling hashes from the leaf up to the root, lower-case hex.</param>
public sealed record AuditInclusionProof(
    long Sequence, long LeafIndex, long TreeSize, string Record, string LeafHash, IReadOnlyList<string> AuditPath, SignedAuditCheckpoint Checkpoint)
{
    public const string Format = "agentops-audit-inclusion-proof/v1";

    /// <summary>What the leaf hash is taken over, in words, for the checkpoint's version; written into the proof for its readers (verification goes by the signed version).</summary>
    public string LeafDescription => Checkpoint.LeavesAreChainHashes
        ? "SHA-256(0x00 || the record's chain hash)"
        : "SHA-256(0x00 || the record's exported JSON line)";

    public JsonObject ToJson()
    {
        var json = new JsonObject
        {
            ["format"] = Format,
            ["sequence"] = Sequence,
            ["leafIndex"] = LeafIndex,
            ["treeSize"] = TreeSize,
            ["record"] = Record,
            ["leafHash"] = LeafHash,
            ["auditPath"] = new JsonArray(AuditPath.Select(h => (JsonNode?)JsonValue.Create(h)).ToArray()),
            ["checkpoint"] = Checkpoint.ToJson(),
        };
        // A version 1 proof stays exactly as it was written before there were versions.
        if (Checkpoint.LeavesAreChainHashes)
        {
            json["leaf"] = LeafDescription;
        }
        return json;
    }

    /// <exception cref="InvalidDataException">Not a proof in this format.</exception>
    public static AuditInclusionProof FromJson(JsonNode? node)
    {
        try
        {
            if (node is not JsonObject json || json["format"]?.GetValue<string>() != Format)
            {
                throw new InvalidDataException($"not an {Format} document");
            }
            return new AuditInclusionProof(
                json["sequence"]?.GetValue<long>() ?? throw new InvalidDataException("sequence is missing"),
                json["leafIndex"]?.GetValue<long>() ?? throw new InvalidDataException("leafIndex is missing"),
                json["treeSize"]?.GetValue<long>() ?? throw new InvalidDataException("treeSize is missing"),
                json["record"]?.GetValue<string>() ?? throw new InvalidDataException("record is missing"),
                json["leafHash"]?.GetValue<string>() ?? throw new InvalidDataException("leafHash is missing"),
                (json["auditPath"] as JsonArray ?? throw new InvalidDataException("auditPath is missing"))
                    .Select(h => h?.GetValue<string>() ?? throw new InvalidDataException("auditPath holds null")).ToArray(),
                SignedAuditCheckpoint.FromJson(json["checkpoint"]));
        }
        catch (Exception ex) when (ex is FormatException or InvalidOperationException)
        {
            throw new InvalidDataException($"The proof is malformed: {ex.Message}", ex);
        }
    }

    /// <summary>
    /// Checks the proof offline: the checkpoint's signature under <paramref name="trustedKeys"/>, the record's own
    /// chain hash (its content must hash, by the chain's canonical rules, to its <c>hash</c> member), the leaf hash
    /// (over that hash or over the line, as the checkpoint's version says), and the audit path from the leaf to the
    /// signed root. Returns why it fails, or null.
    /// </summary>
    public string? Problem(JsonWebKeySet trustedKeys)
    {
        ArgumentNullException.ThrowIfNull(trustedKeys);
        if (AuditCheckpointVerifier.Problem(Checkpoint, trustedKeys) is { } signature)
        {
            return signature;
        }
        if (TreeSize != Checkpoint.TreeSize)
        {
            return $"the proof is for a tree of {TreeSize} records but the checkpoint signs {Checkpoint.TreeSize}";
        }
        if (Sequence < 1 || LeafIndex != Sequence - 1)
        {
            return $"record {Sequence} is leaf {Sequence - 1}, not leaf {LeafIndex}";
        }
        if (RecordProblem(out var chainHash) is { } record)
        {
            return record;
        }
        var leaf = Checkpoint.LeavesAreChainHashes ? AuditRecordJson.ChainHashLeafHash(chainHash) : MerkleTree.LeafHash(Encoding.UTF8.GetBytes(Record));
        if (Convert.ToHexStringLower(leaf) != LeafHash)
        {
            return Checkpoint.LeavesAreChainHashes ? "leafHash is not SHA-256(0x00 || the record's chain hash)" : "leafHash is not SHA-256(0x00 || record)";
        }
        byte[][] path;
        try
        {
            path = AuditPath.Select(Convert.FromHexString).ToArray();
        }
        catch (FormatException)
        {
            return "the audit path is not hex";
        }
        return MerkleTree.VerifyInclusion(leaf, LeafIndex, TreeSize, path, Convert.FromHexString(Checkpoint.RootHash))
            ? null
            : $"the audit path does not lead from record {Sequence} to the root the checkpoint signed";
    }

    /// <param name="chainHash">The record's <c>hash</c> member, once it is known to be the hash of the record's content.</param>
    private string? RecordProblem(out string chainHash)
    {
        chainHash = string.Empty;
        JsonObject record;
        try
        {
            record = JsonNode.Parse(Record) as JsonObject ?? throw new JsonException("not an object");
        }
        catch (JsonException)
        {
            return "the record is not a JSON object";
        }
        if (record["sequence"] is not JsonValue sequence || !sequence.TryGetValue<long>(out var number) || number != Sequence)
        {
            return $"the record is not record {Sequence}";
        }
        if (record["hash"] is not JsonValue hashValue || !hashValue.TryGetValue<string>(out var hash))
        {
            return "the record has no hash";
        }
        record.Remove("hash");
        var computed = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(CanonicalJson.Serialize(record))));
        if (computed != hash)
        {
            return $"record {Sequence}'s hash does not match its contents";
        }
        // Under version 1 the line's exact bytes are the leaf. Under version 2 only its hash is, so the line is held to
        // the one form it was exported in: the same record written any other way is not what was proved.
        if (Checkpoint.LeavesAreChainHashes)
        {
            record["hash"] = hash;
            if (CanonicalJson.Serialize(record) != Record)
            {
                return $"record {Sequence} is not in the canonical form it was exported in";
            }
        }
        chainHash = hash;
        return null;
    }
}
