using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace AgentOps.Identity;

/// <summary>EC P-256 public keys in JSON Web Key form (RFC 7517/7518) and their RFC 7638 thumbprints.</summary>
internal static class Jwk
{
    public const string P256Oid = "1.2.840.10045.3.1.7";
    public const int CoordinateBytes = 32;

    public static bool IsP256(ECParameters parameters) =>
        parameters.Curve.IsNamed && parameters.Curve.Oid.Value == P256Oid;

    public static string Thumbprint(ECParameters publicKey)
    {
        // RFC 7638: required members only, lexicographic order, no whitespace, so any party derives the same kid.
        var canonical =
            $$"""{"crv":"P-256","kty":"EC","x":"{{StrictBase64Url.Encode(publicKey.Q.X)}}","y":"{{StrictBase64Url.Encode(publicKey.Q.Y)}}"}""";
        return StrictBase64Url.Encode(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
    }

    public static JsonObject ToJson(ECParameters publicKey, string keyId) => new()
    {
        ["kty"] = "EC",
        ["crv"] = "P-256",
        ["x"] = StrictBase64Url.Encode(publicKey.Q.X),
        ["y"] = StrictBase64Url.Encode(publicKey.Q.Y),
        ["kid"] = keyId,
        ["alg"] = "ES256",
        ["use"] = "sig",
    };
}
