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
        return Problem(checkpoint, kid => trustedKeys.TryGetKey(kid, out var key) ? key : null);
    }

    /// <summary>
    /// The problem of the first checkpoint (in list order) whose signature does not hold, or null when all hold. Long
    /// lists are checked on every core: an <see cref="ECDsa"/> instance is not safe to share between threads, so each
    /// worker verifies with its own copy of the trusted public keys.
    /// </summary>
    public static string? FirstProblem(IReadOnlyList<SignedAuditCheckpoint> checkpoints, JsonWebKeySet trustedKeys)
    {
        ArgumentNullException.ThrowIfNull(checkpoints);
        ArgumentNullException.ThrowIfNull(trustedKeys);
        const int PerWorkerMinimum = 256;
        var workers = Math.Clamp(checkpoints.Count / PerWorkerMinimum, 1, Environment.ProcessorCount);
        if (workers == 1)
        {
            return checkpoints.Select(c => Problem(c, trustedKeys)).FirstOrDefault(p => p is not null);
        }
        // Public parameters are read here, on one thread, for the keys the checkpoints name; workers import their own.
        var publicKeys = new Dictionary<string, ECParameters>(StringComparer.Ordinal);
        foreach (var kid in checkpoints.Select(c => c.KeyId).Where(k => k is not null).Distinct(StringComparer.Ordinal))
        {
            if (trustedKeys.TryGetKey(kid, out var key))
            {
                publicKeys[kid] = key.ExportParameters(includePrivateParameters: false);
            }
        }
        var firstBad = new int[workers];
        var size = (checkpoints.Count + workers - 1) / workers;
        Parallel.For(0, workers, new ParallelOptions { MaxDegreeOfParallelism = workers }, worker =>
        {
            var own = new Dictionary<string, ECDsa>(StringComparer.Ordinal);
            try
            {
                ECDsa? KeyFor(string kid)
                {
                    if (!own.TryGetValue(kid, out var key) && publicKeys.TryGetValue(kid, out var parameters))
                    {
                        own[kid] = key = ECDsa.Create(parameters);
                    }
                    return key;
                }
                firstBad[worker] = -1;
                for (var i = worker * size; i < Math.Min(checkpoints.Count, (worker + 1) * size); i++)
                {
                    if (Problem(checkpoints[i], KeyFor) is not null)
                    {
                        firstBad[worker] = i;
                        return;
                    }
                }
            }
            finally
            {
                foreach (var key in own.Values)
                {
                    key.Dispose();
                }
            }
        });
        // The message is rebuilt on this thread with the shared keys, so it reads exactly as Problem's would.
        return firstBad.Where(i => i >= 0).Select(i => Problem(checkpoints[i], trustedKeys)).FirstOrDefault();
    }

    private static string? Problem(SignedAuditCheckpoint checkpoint, Func<string, ECDsa?> keyFor)
    {
        var which = $"the checkpoint of {checkpoint.TreeSize} records";
        if (checkpoint.WellFormedProblem() is { } malformed)
        {
            return $"{which} is malformed: {malformed}";
        }
        if (keyFor(checkpoint.KeyId) is not { } key)
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
