using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace AgentOps.Storage;

/// <summary>
/// A signed statement that the audit log's first <see cref="TreeSize"/> records have the RFC 6962 Merkle root
/// <see cref="RootHash"/>, and that the hash chain's record <see cref="TreeSize"/> has hash <see cref="HeadHash"/>.
/// The ES256 signature covers <see cref="SignedBody"/>: a few lines of text in the manner of a transparency-log
/// checkpoint. Because that text has newlines, it can never be mistaken for a JWS signing input, so a checkpoint
/// signature cannot be replayed as a token signed by the same key, nor a token as a checkpoint.
/// </summary>
/// <param name="TreeSize">Number of records covered (records 1 to TreeSize).</param>
/// <param name="RootHash">RFC 6962 root over those records' leaves, lower-case hex.</param>
/// <param name="HeadHash">The chain hash of record TreeSize (<c>sha256:…</c>).</param>
/// <param name="Time">When the checkpoint was signed.</param>
/// <param name="KeyId">The signing key's <c>kid</c> in the broker's JWKS.</param>
/// <param name="Signature">ES256 signature (r || s, 64 bytes), base64url without padding.</param>
public sealed record SignedAuditCheckpoint(long TreeSize, string RootHash, string HeadHash, DateTimeOffset Time, string KeyId, string Signature)
{
    /// <summary>The first line of every signed body: what the signature is about, and the format's version.</summary>
    public const string Origin = "agentops-audit-checkpoint/v1";

    /// <summary>The exact bytes the signature covers (UTF-8 of this text).</summary>
    public string SignedBody() => string.Create(CultureInfo.InvariantCulture,
        $"{Origin}\ntree_size {TreeSize}\nroot_hash {RootHash}\nhead_hash {HeadHash}\ntime {StorageTime.Format(Time)}\nkey_id {KeyId}\n");

    public JsonObject ToJson() => new()
    {
        ["treeSize"] = TreeSize,
        ["rootHash"] = RootHash,
        ["headHash"] = HeadHash,
        ["time"] = StorageTime.Format(Time),
        ["keyId"] = KeyId,
        ["signature"] = Signature,
    };

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
                Required(json, "signature"));
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

    private static string Required(JsonObject json, string name) =>
        json[name]?.GetValue<string>() ?? throw new InvalidDataException($"{name} is missing");
}
