using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace AgentOps.Identity;

/// <summary>
/// Public verification keys by <c>kid</c>. Only EC P-256 signing keys are kept; keys of other types or
/// for other uses are skipped, so a token naming them fails as an unknown key.
/// </summary>
public sealed class JsonWebKeySet : IDisposable
{
    private const int MaxJwksDepth = 8;

    private readonly WatchedFile? _file;
    private volatile Dictionary<string, ECDsa> _keys;

    private JsonWebKeySet(Dictionary<string, ECDsa> keys, WatchedFile? file = null)
    {
        _keys = keys;
        _file = file;
    }

    public IReadOnlyCollection<string> KeyIds
    {
        get
        {
            RefreshIfDue();
            return _keys.Keys;
        }
    }

    public static JsonWebKeySet Load(string jwksPath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(jwksPath);
        return Parse(File.ReadAllText(jwksPath));
    }

    /// <summary>
    /// A key set that follows its file: a long-running tool server picks up a rotated-in key, and stops trusting one the
    /// issuer unpublished, within <paramref name="checkEvery"/> (default one second) of the file changing, without a
    /// restart. A file caught mid-write or broken keeps the last good keys until it reads cleanly again.
    /// </summary>
    /// <exception cref="FormatException">The file is not a well-formed key set now.</exception>
    public static JsonWebKeySet Watch(string jwksPath, TimeProvider timeProvider, TimeSpan? checkEvery = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(jwksPath);
        ArgumentNullException.ThrowIfNull(timeProvider);
        var file = new WatchedFile(jwksPath, timeProvider, checkEvery ?? TimeSpan.FromSeconds(1));
        return new JsonWebKeySet(ParseKeys(file.ReadAndRemember()), file);
    }

    /// <exception cref="FormatException">The text is not a well-formed key set or holds an unusable P-256 key.</exception>
    public static JsonWebKeySet Parse(string json) => new(ParseKeys(json));

    private static Dictionary<string, ECDsa> ParseKeys(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        using var document = StrictJson.TryParseObject(Encoding.UTF8.GetBytes(json), MaxJwksDepth, out var error)
            ?? throw new FormatException($"The JWKS is {error}.");
        if (!document.RootElement.TryGetProperty("keys", out var keysElement) || keysElement.ValueKind != JsonValueKind.Array)
        {
            throw new FormatException("The JWKS has no 'keys' array.");
        }

        var keys = new Dictionary<string, ECDsa>(StringComparer.Ordinal);
        try
        {
            foreach (var jwk in keysElement.EnumerateArray())
            {
                if (TryReadP256Key(jwk) is not (var keyId, var key))
                {
                    continue;
                }
                if (!keys.TryAdd(keyId, key))
                {
                    key.Dispose();
                    throw new FormatException($"The JWKS has two keys with kid '{keyId}'.");
                }
            }
        }
        catch
        {
            foreach (var key in keys.Values)
            {
                key.Dispose();
            }
            throw;
        }
        return keys;
    }

    /// <summary>The returned key belongs to this set: do not dispose it.</summary>
    public bool TryGetKey(string kid, [NotNullWhen(true)] out ECDsa? key)
    {
        ArgumentNullException.ThrowIfNull(kid);
        RefreshIfDue();
        return _keys.TryGetValue(kid, out key);
    }

    public void Dispose()
    {
        foreach (var key in _keys.Values)
        {
            key.Dispose();
        }
        _keys.Clear();
    }

    private void RefreshIfDue()
    {
        if (_file?.ReadIfChanged() is not { } json)
        {
            return;
        }
        try
        {
            // The keys replaced are not disposed: a verification on another thread may be using one right now.
            _keys = ParseKeys(json);
        }
        catch (FormatException)
        {
            _file.Forget();
        }
    }

    private static (string KeyId, ECDsa Key)? TryReadP256Key(JsonElement jwk)
    {
        if (jwk.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException("A JWKS entry is not a JSON object.");
        }
        if (Member(jwk, "kty") != "EC" || Member(jwk, "crv") != "P-256" ||
            Member(jwk, "alg") is { } alg && alg != "ES256" ||
            Member(jwk, "use") is { } use && use != "sig")
        {
            return null;
        }
        var keyId = Member(jwk, "kid");
        if (string.IsNullOrEmpty(keyId))
        {
            throw new FormatException("A P-256 key in the JWKS has no 'kid'.");
        }
        if (jwk.TryGetProperty("d", out _))
        {
            // A published private key means anyone can mint tokens; trusting it would be worse than failing.
            throw new FormatException($"Key '{keyId}' in the JWKS includes private key material ('d').");
        }
        var x = Coordinate(jwk, "x", keyId);
        var y = Coordinate(jwk, "y", keyId);
        try
        {
            // Import checks that the point lies on the curve, which rules out invalid-curve attacks.
            return (keyId, ECDsa.Create(new ECParameters { Curve = ECCurve.NamedCurves.nistP256, Q = new ECPoint { X = x, Y = y } }));
        }
        catch (CryptographicException ex)
        {
            throw new FormatException($"Key '{keyId}' in the JWKS is not a valid P-256 public key.", ex);
        }
    }

    private static string? Member(JsonElement jwk, string name)
    {
        if (!jwk.TryGetProperty(name, out var value))
        {
            return null;
        }
        return value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : throw new FormatException($"JWKS member '{name}' is not a string.");
    }

    private static byte[] Coordinate(JsonElement jwk, string name, string keyId) =>
        Member(jwk, name) is { } text && StrictBase64Url.TryDecode(text, out var bytes) && bytes.Length == Jwk.CoordinateBytes
            ? bytes
            : throw new FormatException($"Key '{keyId}' in the JWKS has a missing or malformed '{name}' coordinate.");

    /// <summary>The key file and what it looked like when last read, checked at most once per interval.</summary>
    private sealed class WatchedFile(string path, TimeProvider timeProvider, TimeSpan checkEvery)
    {
        private readonly Lock _lock = new();
        private DateTimeOffset _nextCheck;
        private (DateTime Written, long Length)? _seen;

        public string ReadAndRemember()
        {
            var stamp = Stamp();
            var json = File.ReadAllText(path);
            _seen = stamp;
            _nextCheck = timeProvider.GetUtcNow() + checkEvery;
            return json;
        }

        /// <summary>The file's text when it changed since last read and a check is due; otherwise null.</summary>
        public string? ReadIfChanged()
        {
            var now = timeProvider.GetUtcNow();
            if (now < _nextCheck || !_lock.TryEnter())
            {
                return null;
            }
            try
            {
                if (now < _nextCheck)
                {
                    return null;
                }
                _nextCheck = now + checkEvery;
                try
                {
                    return Stamp() == _seen ? null : ReadAndRemember();
                }
                catch (IOException)
                {
                    // Moved away mid-rotation: the current keys stay until the file is back.
                    return null;
                }
            }
            finally
            {
                _lock.Exit();
            }
        }

        /// <summary>Makes the next due check read the file again even if it looks unchanged.</summary>
        public void Forget() => _seen = null;

        private (DateTime, long) Stamp()
        {
            var info = new FileInfo(path);
            return (info.LastWriteTimeUtc, info.Length);
        }
    }
}
