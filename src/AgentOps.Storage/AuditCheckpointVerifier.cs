using System.Buffers.Text;
using System.Security.Cryptography;
using AgentOps.Identity;

namespace AgentOps.Storage;

/// <summary>Checks a checkpoint's ES256 signature against a trusted key set; knows nothing of the log itself.</summary>
public static class AuditCheckpointVerifier
{
    private const int SignatureBytes = 64;

    /// <summary>Why the checkpoint must not be trusted, or null when its signature holds.</summary>
    public static string? Problem(SignedAuditCheckpoint checkpoint, JsonWebKeySet trustedKeys)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        ArgumentNullException.ThrowIfNull(trustedKeys);
        var which = $"the checkpoint of {checkpoint.TreeSize} records";
        if (checkpoint.WellFormedProblem() is { } malformed)
        {
            return $"{which} is malformed: {malformed}";
        }
        if (!trustedKeys.TryGetKey(checkpoint.KeyId, out var key))
        {
            return $"{which} names key '{checkpoint.KeyId}', which is not in the trusted key set";
        }
        byte[] signature;
        try
        {
            signature = Base64Url.DecodeFromChars(checkpoint.Signature);
        }
        catch (FormatException)
        {
            return $"{which} has a signature that is not base64url";
        }
        if (signature.Length != SignatureBytes)
        {
            return $"{which} has a signature of {signature.Length} bytes; ES256 signatures are {SignatureBytes}";
        }
        // CVE-2022-21449: never let r = 0 or s = 0 through to the ECDSA implementation.
        if (signature.AsSpan(0, SignatureBytes / 2).IndexOfAnyExcept((byte)0) < 0 || signature.AsSpan(SignatureBytes / 2).IndexOfAnyExcept((byte)0) < 0)
        {
            return $"{which} has a signature with r or s zero, which no genuine signature has";
        }
        return key.VerifyData(checkpoint.SignedBytes(), signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation)
            ? null
            : $"{which} has a signature that does not match its contents under key '{checkpoint.KeyId}' (forged or altered)";
    }
}
