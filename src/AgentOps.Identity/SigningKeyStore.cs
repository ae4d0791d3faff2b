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
            var jwks = new JsonObject { ["keys"] = new JsonArray(Jwk.ToJson(publicKey, keyId)) }.ToJsonString(s_indented);
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

    public void Dispose() => _key.Dispose();

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
        // Verifiers may read the file at any moment, so replace it atomically instead of rewriting in place.
        var tempPath = $"{jwksPath}.{Guid.NewGuid():N}.tmp";
        try
        {
            File.WriteAllText(tempPath, jwks);
            File.Move(tempPath, jwksPath, overwrite: true);
        }
        finally
        {
            File.Delete(tempPath);
        }
    }
}
