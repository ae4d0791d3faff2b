using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace AgentOps.Storage;

/// <summary>
/// A signed statement that the audit log's first <see cref="TreeSize"/> records have the RFC 6962 Merkle root
/// <see cref="RootHash"/>, and that the hash chain's record <see cref="TreeSize"/> has hash <see cref="HeadHash"/>.
/// The ES256 signature covers <see cref="SignedBody"/>: a few lines of text in the manner of a transparency-log
/// checkpoint. Because that text has newlines, it can never be mistaken for a JWS signing input, so a checkpoint
/// signature cannot be replayed as a token signed by the same key, nor a token as a checkpoint.
/// </summary>
/// <remarks>
/// <see cref="Version"/> decides what a record's Merkle leaf is. Version 1: the UTF-8 bytes of the record's exported
/// JSON line. Version 2 (what is signed now): the 32 bytes of the record's chain hash, so SHA-256(0x00 || hash). Both
/// bind the whole record, since the chain hash is SHA-256 over its canonical JSON and the exported line carries that
/// hash; version 2 lets a verifier take the leaf from the hash it has just checked instead of hashing every record's
/// line a second time. The version is the first line of the signed body, so it cannot be changed without the signature failing.
/// </remarks>
/// <param name="TreeSize">Number of records covered (records 1 to TreeSize).</param>
/// <param name="RootHash">RFC 6962 root over those records' leaves, lower-case hex.</param>
/// <param name="HeadHash">The chain hash of record TreeSize (<c>sha256:…</c>).</param>
/// <param name="Time">When the checkpoint was signed.</param>
/// <param name="KeyId">The signing key's <c>kid</c> in the broker's JWKS.</param>
/// <param name="Signature">ES256 signature (r || s, 64 bytes), base64url without padding.</param>
/// <param name="Version">The format: <see cref="LineLeafVersion"/> or <see cref="ChainHashLeafVersion"/>.</param>
public sealed record SignedAuditCheckpoint(
    long TreeSize, string RootHash, string HeadHash, DateTimeOffset Time, string KeyId, string Signature, int Version = SignedAuditCheckpoint.LineLeafVersion)
{
    /// <summary>Format 1: a record's leaf is its exported JSON line. Still verified; no longer signed.</summary>
    public const int LineLeafVersion = 1;

    /// <summary>Format 2: a record's leaf is the 32 bytes of its chain hash. What new checkpoints are signed as.</summary>
    public const int ChainHashLeafVersion = 2;

    /// <summary>The format new checkpoints are signed in.</summary>
    public const int CurrentVersion = ChainHashLeafVersion;

    /// <summary>The first line of a format 1 signed body: what the signature is about, and the format's version.</summary>
    public const string OriginV1 = "agentops-audit-checkpoint/v1";

    /// <summary>The first line of a format 2 signed body.</summary>
    public const string OriginV2 = "agentops-audit-checkpoint/v2";

    /// <summary>The first line of this checkpoint's signed body, which names its version.</summary>
    public string Origin => Version == ChainHashLeafVersion ? OriginV2 : OriginV1;

    /// <summary>Whether a record's leaf is its chain hash (format 2) rather than its exported line (format 1).</summary>
    public bool LeavesAreChainHashes => Version == ChainHashLeafVersion;

    /// <summary>The exact bytes the signature covers (UTF-8 of this text).</summary>
    public string SignedBody() => string.Create(CultureInfo.InvariantCulture,
        $"{Origin}\ntree_size {TreeSize}\nroot_hash {RootHash}\nhead_hash {HeadHash}\ntime {StorageTime.Format(Time)}\nkey_id {KeyId}\n");

    /// <summary>The checkpoint as a JSON object; <c>version</c> is written only for format 2, so format 1 reads as it always did.</summary>
    public JsonObject ToJson()
    {
        var json = new JsonObject
        {
            ["treeSize"] = TreeSize,
            ["rootHash"] = RootHash,
            ["headHash"] = HeadHash,
            ["time"] = StorageTime.Format(Time),
            ["keyId"] = KeyId,
            ["signature"] = Signature,
        };
        if (Version != LineLeafVersion)
        {
            json["version"] = Version;
        }
        return json;
    }

    /// <exception cref="InvalidDataException">A member is missing or malformed.</exception>
    public static SignedAuditCheckpoint FromJson(JsonNode? node)
    {
        if (node is not JsonObject json)
        {
            throw new InvalidDataException("a signed checkpoint is not a JSON object");
        }
        try
        {
            var checkpoint = new SignedAuditCheckpoint(
                json["treeSize"]?.GetValue<long>() ?? throw new InvalidDataException("treeSize is missing"),
                Required(json, "rootHash"),
                Required(json, "headHash"),
                StorageTime.Parse(Required(json, "time")),
                Required(json, "keyId"),
                Required(json, "signature"),
                VersionOf(json));
            return checkpoint.WellFormedProblem() is { } problem ? throw new InvalidDataException(problem) : checkpoint;
        }
        catch (Exception ex) when (ex is FormatException or InvalidOperationException)
        {
            throw new InvalidDataException($"a signed checkpoint is malformed: {ex.Message}", ex);
        }
    }

    /// <summary>Why the fields could not have come from a signer (so the body would be ambiguous), or null.</summary>
    internal string? WellFormedProblem()
    {
        if (Version is not (LineLeafVersion or ChainHashLeafVersion))
        {
            return $"version {Version} is not a checkpoint format this verifier knows ({LineLeafVersion} or {ChainHashLeafVersion})";
        }
        if (TreeSize < 1)
        {
            return $"treeSize {TreeSize} is not a positive record count";
        }
        if (!IsLowerHex(RootHash, MerkleTree.HashSize * 2))
        {
            return "rootHash is not 64 lower-case hex digits";
        }
        if (!HeadHash.StartsWith("sha256:", StringComparison.Ordinal) || !IsLowerHex(HeadHash[7..], 64))
        {
            return "headHash is not sha256: and 64 lower-case hex digits";
        }
        if (KeyId.Length is 0 or > 128 || KeyId.Any(c => c is <= ' ' or > '~'))
        {
            return "keyId is empty, too long, or has spaces or control characters";
        }
        return null;
    }

    internal byte[] SignedBytes() => Encoding.UTF8.GetBytes(SignedBody());

    private static bool IsLowerHex(string text, int length) =>
        text.Length == length && text.All(c => c is >= '0' and <= '9' or >= 'a' and <= 'f');

    /// <summary>Absent means format 1, which predates the member; anything but the number 1 or 2 is malformed.</summary>
    private static int VersionOf(JsonObject json)
    {
        if (!json.TryGetPropertyValue("version", out var node))
        {
            return LineLeafVersion;
        }
        if (node is JsonValue value && value.GetValueKind() == JsonValueKind.Number && value.TryGetValue<int>(out var version) &&
            version is LineLeafVersion or ChainHashLeafVersion)
        {
            return version;
        }
        throw new InvalidDataException(
            $"version {node?.ToJsonString() ?? "null"} is not a checkpoint format this verifier knows ({LineLeafVersion} or {ChainHashLeafVersion})");
    }

    private static string Required(JsonObject json, string name) =>
        json[name]?.GetValue<string>() ?? throw new InvalidDataException($"{name} is missing");
}
