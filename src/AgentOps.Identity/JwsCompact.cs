using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace AgentOps.Identity;

/// <summary>
/// Checks the JWS compact form and its ES256 signature before any claim is looked at, so nothing in an
/// unauthenticated payload is ever parsed into meaning.
/// </summary>
internal static class JwsCompact
{
    public const string Algorithm = "ES256";
    public const string TokenType = "at+jwt";

    private const int SignatureBytes = 64;
    private const int HeaderMaxDepth = 4;

    public static byte[]? TryVerify(string token, JsonWebKeySet keys, VerifierOptions options, out string? error)
    {
        if (token.Length > options.MaxTokenBytes)
        {
            error = Fail(TokenErrorCodes.Malformed, $"token is {token.Length} bytes; the limit is {options.MaxTokenBytes}");
            return null;
        }
        var parts = token.Split('.');
        if (parts.Length != 3)
        {
            error = Fail(TokenErrorCodes.Malformed, $"expected 3 dot-separated parts (JWS compact serialization), found {parts.Length}");
            return null;
        }
        if (!StrictBase64Url.TryDecode(parts[0], out var headerBytes) || !StrictBase64Url.TryDecode(parts[1], out var payloadBytes))
        {
            error = Fail(TokenErrorCodes.Malformed, "header or payload is not canonical unpadded base64url");
            return null;
        }
        using (var header = StrictJson.TryParseObject(headerBytes, HeaderMaxDepth, out var jsonError))
        {
            if (header is null)
            {
                error = Fail(TokenErrorCodes.Malformed, $"header is {jsonError}");
                return null;
            }
            error = CheckHeader(header.RootElement, keys, out var key);
            if (key is null)
            {
                return null;
            }
            error = CheckSignature(key, Encoding.ASCII.GetBytes(token, 0, parts[0].Length + 1 + parts[1].Length), parts[2]);
        }
        return error is null ? payloadBytes : null;
    }

    private static string? CheckHeader(JsonElement header, JsonWebKeySet keys, out ECDsa? key)
    {
        key = null;
        foreach (var member in header.EnumerateObject())
        {
            // jwk/jku/x5u/x5c would let the token choose its own key; crit would demand semantics we lack.
            if (member.Name is not ("alg" or "typ" or "kid"))
            {
                return Fail(TokenErrorCodes.InvalidHeader, $"header member '{member.Name}' is not allowed; only alg, typ and kid are");
            }
        }
        var alg = StringMember(header, "alg");
        if (alg != Algorithm)
        {
            return Fail(TokenErrorCodes.InvalidHeader, $"alg '{alg ?? "(missing)"}' is not accepted; only {Algorithm} is");
        }
        var typ = StringMember(header, "typ");
        if (typ != TokenType)
        {
            return Fail(TokenErrorCodes.InvalidHeader, $"typ '{typ ?? "(missing)"}' is not accepted; only {TokenType} is");
        }
        var kid = StringMember(header, "kid");
        if (string.IsNullOrEmpty(kid))
        {
            return Fail(TokenErrorCodes.InvalidHeader, "kid is missing");
        }
        if (!keys.TryGetKey(kid, out key))
        {
            return Fail(TokenErrorCodes.UnknownKey, $"kid '{Truncate(kid)}' is not in the issuer's key set");
        }
        return null;
    }

    private static string? CheckSignature(ECDsa key, byte[] signingInput, string encodedSignature)
    {
        if (!StrictBase64Url.TryDecode(encodedSignature, out var signature))
        {
            return Fail(TokenErrorCodes.InvalidSignature, "signature is not canonical unpadded base64url");
        }
        if (signature.Length != SignatureBytes)
        {
            return Fail(TokenErrorCodes.InvalidSignature, $"an ES256 signature is {SignatureBytes} bytes (r||s), found {signature.Length}");
        }
        // CVE-2022-21449: some ECDSA implementations accepted r = s = 0 for any message; refuse it outright.
        if (signature.AsSpan(0, SignatureBytes / 2).IndexOfAnyExcept((byte)0) < 0 ||
            signature.AsSpan(SignatureBytes / 2).IndexOfAnyExcept((byte)0) < 0)
        {
            return Fail(TokenErrorCodes.InvalidSignature, "signature component r or s is zero");
        }
        if (!key.VerifyData(signingInput, signature, HashAlgorithmName.SHA256))
        {
            return Fail(TokenErrorCodes.InvalidSignature, "signature does not match the header and payload");
        }
        return null;
    }

    private static string? StringMember(JsonElement header, string name) =>
        header.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static string Truncate(string text) => text.Length <= 64 ? text : text[..64] + "…";

    private static string Fail(string code, string detail) => $"{code}: {detail}";
}
