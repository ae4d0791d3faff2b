using System.Buffers.Text;
using System.Security.Cryptography;
using AgentOps.Identity;

namespace AgentOps.Storage;

/// <summary>
/// Signs audit checkpoints with ES256. In the product it holds the broker's own signing key (see
/// <see cref="FromKeyStore"/>), so the JWKS that tool servers already trust is also what verifies the audit log.
/// </summary>
public sealed class AuditCheckpointSigner : IDisposable
{
    private readonly ECDsa _key;

    /// <param name="key">A P-256 private key; the signer takes ownership and disposes it.</param>
    /// <param name="keyId">The key's <c>kid</c> in the JWKS verifiers will use.</param>
    public AuditCheckpointSigner(ECDsa key, string keyId)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentException.ThrowIfNullOrEmpty(keyId);
        if (key.KeySize != 256)
        {
            throw new ArgumentException("ES256 needs a P-256 key.", nameof(key));
        }
        _key = key;
        KeyId = keyId;
    }

    public string KeyId { get; }

    /// <summary>
    /// The key <paramref name="keys"/> publishes as its current <c>kid</c>, read from the PEM file beside its JWKS
    /// (the store keeps the key itself to the Identity assembly). The file's public key must be the one the JWKS
    /// publishes under that <c>kid</c>; if the key was rotated since the store was opened, this refuses rather than
    /// sign under the wrong <c>kid</c>.
    /// </summary>
    public static AuditCheckpointSigner FromKeyStore(SigningKeyStore keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var directory = Path.GetDirectoryName(keys.JwksPath) ?? throw new InvalidOperationException("The key store has no directory.");
        var keyPath = Path.Combine(directory, SigningKeyStore.KeyFileName);
        var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(File.ReadAllText(keyPath));
            using var published = JsonWebKeySet.Parse(keys.JwksJson);
            if (!published.TryGetKey(keys.KeyId, out var publicKey) || !SamePublicKey(key, publicKey))
            {
                throw new InvalidOperationException(
                    $"The key in '{keyPath}' is not the one the JWKS publishes as '{keys.KeyId}' (rotated meanwhile?); reopen the key store.");
            }
            return new AuditCheckpointSigner(key, keys.KeyId);
        }
        catch
        {
            key.Dispose();
            throw;
        }
    }

    /// <summary>Signs a checkpoint in the current format (<see cref="SignedAuditCheckpoint.CurrentVersion"/>): <paramref name="rootHash"/> must be over chain-hash leaves.</summary>
    public SignedAuditCheckpoint Sign(long treeSize, string rootHash, string headHash, DateTimeOffset time) =>
        Sign(treeSize, rootHash, headHash, time, SignedAuditCheckpoint.CurrentVersion);

    /// <summary>Signs in a given format; only tests still make format 1 checkpoints, to show that those already out there verify.</summary>
    internal SignedAuditCheckpoint Sign(long treeSize, string rootHash, string headHash, DateTimeOffset time, int version)
    {
        var unsigned = new SignedAuditCheckpoint(treeSize, rootHash, headHash, time.ToUniversalTime(), KeyId, Signature: string.Empty, version);
        if (unsigned.WellFormedProblem() is { } problem)
        {
            throw new ArgumentException($"Refusing to sign a malformed checkpoint: {problem}.");
        }
        var signature = _key.SignData(unsigned.SignedBytes(), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        return unsigned with { Signature = Base64Url.EncodeToString(signature) };
    }

    public void Dispose() => _key.Dispose();

    private static bool SamePublicKey(ECDsa a, ECDsa b)
    {
        var pa = a.ExportParameters(includePrivateParameters: false).Q;
        var pb = b.ExportParameters(includePrivateParameters: false).Q;
        return pa.X.AsSpan().SequenceEqual(pb.X) && pa.Y.AsSpan().SequenceEqual(pb.Y);
    }
}
