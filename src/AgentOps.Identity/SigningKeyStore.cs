using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace AgentOps.Identity;

/// <summary>
/// The broker's ES256 signing key, kept as a PKCS#8 PEM file readable only by its owner, and the public
/// JWKS that tool servers use to verify what the broker signs.
/// </summary>
public sealed class SigningKeyStore : IDisposable
{
    public const string KeyFileName = "signing-key.pem";
    public const string JwksFileName = "jwks.json";

    /// <summary>Public keys rotated out but still published, each until the last token it can have signed has expired.</summary>
    public const string RetiredKeysFileName = "retired-keys.json";

    private const string RetiredUntilMember = "retired_until";

    /// <summary>
    /// How long a rotated-out key stays in the JWKS: the longest a token can live, plus the verifiers' clock skew.
    /// A token signed just before the rotation therefore verifies until it expires, and not a second longer.
    /// </summary>
    public static TimeSpan RetiredKeyOverlap { get; } = BrokerOptions.MaxTokenLifetime + VerifierOptions.MaxClockSkew;

    private static readonly JsonSerializerOptions s_indented = new() { WriteIndented = true };

    private readonly ECDsa _key;

    private SigningKeyStore(ECDsa key, string keyId, string jwksPath, string jwksJson, DateTimeOffset createdAt)
    {
        _key = key;
        KeyId = keyId;
        JwksPath = jwksPath;
        JwksJson = jwksJson;
        CreatedAt = createdAt;
    }

    /// <summary>RFC 7638 thumbprint of the public key.</summary>
    public string KeyId { get; }

    public string JwksPath { get; }

    /// <summary>The public key set, as written to <see cref="JwksPath"/>.</summary>
    public string JwksJson { get; }

    /// <summary>When the key was generated; the basis for a future rotation policy.</summary>
    public DateTimeOffset CreatedAt { get; }

    internal ECDsa SigningKey => _key;

    public static SigningKeyStore OpenOrCreate(string keysDirectory, TimeProvider timeProvider)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(keysDirectory);
        ArgumentNullException.ThrowIfNull(timeProvider);

        CreatePrivateDirectory(keysDirectory);
        var keyPath = Path.Combine(keysDirectory, KeyFileName);
        var key = File.Exists(keyPath) ? LoadPrivateKey(keyPath) : CreateOrAdoptKey(keyPath, timeProvider);
        try
        {
            var publicKey = key.ExportParameters(includePrivateParameters: false);
            var keyId = Jwk.Thumbprint(publicKey);
            var published = new JsonArray(Jwk.ToJson(publicKey, keyId));
            foreach (var retired in ReadRetired(keysDirectory, timeProvider.GetUtcNow()))
            {
                if ((string?)retired["kid"] != keyId)
                {
                    // The bookkeeping member stays in the retired file; verifiers see a plain JWK.
                    retired.Remove(RetiredUntilMember);
                    published.Add((JsonNode)retired);
                }
            }
            var jwks = new JsonObject { ["keys"] = published }.ToJsonString(s_indented);
            var jwksPath = Path.Combine(keysDirectory, JwksFileName);
            WriteJwks(jwksPath, jwks);
            return new SigningKeyStore(key, keyId, jwksPath, jwks, new DateTimeOffset(File.GetLastWriteTimeUtc(keyPath), TimeSpan.Zero));
        }
        catch
        {
            key.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Replaces the signing key with a fresh one. The old public key stays in the JWKS for
    /// <see cref="RetiredKeyOverlap"/>, so tokens it signed keep verifying until they expire; its private key is gone at
    /// once. Brokers built on the old store keep signing with the old key: build a new broker on the returned store.
    /// </summary>
    public static SigningKeyStore Rotate(string keysDirectory, TimeProvider timeProvider)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(keysDirectory);
        ArgumentNullException.ThrowIfNull(timeProvider);
        var keyPath = Path.Combine(keysDirectory, KeyFileName);
        if (!File.Exists(keyPath))
        {
            throw new InvalidOperationException($"There is no signing key in '{keysDirectory}' to rotate.");
        }
        var now = timeProvider.GetUtcNow();
        using (var old = LoadPrivateKey(keyPath))
        {
            var publicKey = old.ExportParameters(includePrivateParameters: false);
            var entry = Jwk.ToJson(publicKey, Jwk.Thumbprint(publicKey));
            entry[RetiredUntilMember] = (now + RetiredKeyOverlap).ToUnixTimeSeconds();
            var retired = new JsonArray([.. ReadRetired(keysDirectory, now), entry]);
            WriteAtomically(Path.Combine(keysDirectory, RetiredKeysFileName), new JsonObject { ["keys"] = retired }.ToJsonString(s_indented));
        }
        using (var fresh = ECDsa.Create(ECCurve.NamedCurves.nistP256))
        {
            var tempPath = $"{keyPath}.{Guid.NewGuid():N}.tmp";
            try
            {
                WritePrivateFile(tempPath, fresh.ExportPkcs8PrivateKeyPem(), now);
                File.Move(tempPath, keyPath, overwrite: true);
            }
            finally
            {
                File.Delete(tempPath);
            }
        }
        return OpenOrCreate(keysDirectory, timeProvider);
    }

    public void Dispose() => _key.Dispose();

    /// <summary>Retired public keys still inside their overlap, each a copy with its <c>retired_until</c>.</summary>
    private static List<JsonObject> ReadRetired(string keysDirectory, DateTimeOffset now)
    {
        var path = Path.Combine(keysDirectory, RetiredKeysFileName);
        var live = new List<JsonObject>();
        if (!File.Exists(path))
        {
            return live;
        }
        if (JsonNode.Parse(File.ReadAllText(path))?["keys"] is not JsonArray keys)
        {
            throw new InvalidDataException($"'{path}' has no 'keys' array; fix or delete it (deleting it unpublishes retired keys at once).");
        }
        foreach (var key in keys.OfType<JsonObject>())
        {
            if (key[RetiredUntilMember] is JsonValue until && until.TryGetValue<long>(out var seconds) &&
                DateTimeOffset.FromUnixTimeSeconds(seconds) > now)
            {
                live.Add(key.DeepClone().AsObject());
            }
        }
        return live;
    }

    private static void CreatePrivateDirectory(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
        }
        else
        {
            Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    private static ECDsa CreateOrAdoptKey(string keyPath, TimeProvider timeProvider)
    {
        var fresh = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        // The key is written in full under a unique name and then published with a no-overwrite move, so a
        // racing process sees either no key file or a complete one, never a half-written PEM.
        var tempPath = $"{keyPath}.{Guid.NewGuid():N}.tmp";
        try
        {
            WritePrivateFile(tempPath, fresh.ExportPkcs8PrivateKeyPem(), timeProvider.GetUtcNow());
            try
            {
                File.Move(tempPath, keyPath, overwrite: false);
                return fresh;
            }
            catch (IOException) when (File.Exists(keyPath))
            {
                // Another process won the race: everyone must sign with the key it published.
                fresh.Dispose();
                return LoadPrivateKey(keyPath);
            }
        }
        catch
        {
            fresh.Dispose();
            throw;
        }
        finally
        {
            File.Delete(tempPath);
        }
    }

    private static void WritePrivateFile(string path, string pem, DateTimeOffset createdAt)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            // Set at creation rather than afterwards so the private key is never readable by others, even briefly.
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }
        using (var stream = new FileStream(path, options))
        using (var writer = new StreamWriter(stream))
        {
            writer.Write(pem);
            writer.Flush();
            stream.Flush(flushToDisk: true);
        }
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        File.SetLastWriteTimeUtc(path, createdAt.UtcDateTime);
    }

    private static ECDsa LoadPrivateKey(string keyPath)
    {
        var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(File.ReadAllText(keyPath));
            if (!Jwk.IsP256(key.ExportParameters(includePrivateParameters: false)))
            {
                throw new InvalidDataException($"'{keyPath}' holds an EC key that is not on P-256; ES256 needs P-256.");
            }
            return key;
        }
        catch (Exception ex) when (ex is ArgumentException or CryptographicException)
        {
            key.Dispose();
            // Never replace an unreadable key: tokens and JWKS copies elsewhere still depend on it.
            throw new InvalidDataException($"'{keyPath}' does not hold a readable unencrypted PKCS#8 EC private key.", ex);
        }
        catch
        {
            key.Dispose();
            throw;
        }
    }

    private static void WriteJwks(string jwksPath, string jwks)
    {
        if (File.Exists(jwksPath) && File.ReadAllText(jwksPath) == jwks)
        {
            return;
        }
        WriteAtomically(jwksPath, jwks);
    }

    // Verifiers may read the file at any moment, so replace it atomically instead of rewriting in place.
    private static void WriteAtomically(string path, string text)
    {
        var tempPath = $"{path}.{Guid.NewGuid():N}.tmp";
        try
        {
            File.WriteAllText(tempPath, text);
            File.Move(tempPath, path, overwrite: true);
        }
        finally
        {
            File.Delete(tempPath);
        }
    }
}
