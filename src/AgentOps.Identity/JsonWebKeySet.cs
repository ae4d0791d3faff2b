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

    private readonly Dictionary<string, ECDsa> _keys;

    private JsonWebKeySet(Dictionary<string, ECDsa> keys) => _keys = keys;

    public IReadOnlyCollection<string> KeyIds => _keys.Keys;

    public static JsonWebKeySet Load(string jwksPath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(jwksPath);
        return Parse(File.ReadAllText(jwksPath));
    }

    /// <exception cref="FormatException">The text is not a well-formed key set or holds an unusable P-256 key.</exception>
    public static JsonWebKeySet Parse(string json)
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
        return new JsonWebKeySet(keys);
    }

    /// <summary>The returned key belongs to this set: do not dispose it.</summary>
    public bool TryGetKey(string kid, [NotNullWhen(true)] out ECDsa? key)
    {
        ArgumentNullException.ThrowIfNull(kid);
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
}
