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
/// <see cref="Problem"/> or any RFC 9162 implementation: the leaf is the UTF-8 bytes of <see cref="Record"/>.
/// </summary>
/// <param name="Record">The record's exported JSON line (canonical JSON, hash included): the Merkle leaf itself.</param>
/// <param name="LeafHash">SHA-256(0x00 || Record), lower-case hex.</param>
/// <param name="AuditPath">Sibling hashes from the leaf up to the root, lower-case hex.</param>
public sealed record AuditInclusionProof(
    long Sequence, long LeafIndex, long TreeSize, string Record, string LeafHash, IReadOnlyList<string> AuditPath, SignedAuditCheckpoint Checkpoint)
{
    public const string Format = "agentops-audit-inclusion-proof/v1";

    public JsonObject ToJson() => new()
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
    /// chain hash, the leaf hash, and the audit path from the leaf to the signed root. Returns why it fails, or null.
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
        if (RecordProblem() is { } record)
        {
            return record;
        }
        var leaf = MerkleTree.LeafHash(Encoding.UTF8.GetBytes(Record));
        if (Convert.ToHexStringLower(leaf) != LeafHash)
        {
            return "leafHash is not SHA-256(0x00 || record)";
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

    private string? RecordProblem()
    {
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
        return computed == hash ? null : $"record {Sequence}'s hash does not match its contents";
    }
}
