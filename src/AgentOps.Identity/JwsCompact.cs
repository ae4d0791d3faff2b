using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;

namespace AgentOps.Identity;

/// <summary>
/// Checks the JWS compact form and its ES256 signature before any claim is looked at, so nothing in an
/// unauthenticated payload is ever parsed into meaning. Errors are <c>"&lt;code&gt;: &lt;detail&gt;"</c> and never
/// quote more than a short, truncated piece of the token.
/// </summary>
internal static class JwsCompact
{
    public const string Algorithm = "ES256";
    public const string TokenType = "at+jwt";

    private const int SignatureBytes = 64;
    private const int HeaderMaxDepth = 4;

    /// <summary>Verifies the signature and returns the payload bytes, or null with <paramref name="error"/> set.</summary>
    /// <param name="findKey">The trusted key for a <c>kid</c>, or null when no trusted issuer publishes it.</param>
    /// <param name="kid">The key that verified the signature, for the issuer-binding check that follows.</param>
    public static byte[]? TryVerify(string token, Func<string, ECDsa?> findKey, VerifierOptions options, out string? error, out string? kid)
    {
        kid = null;
        // Before anything is decoded or parsed: the cost of refusing a huge token must not grow with it.
        if (token.Length > options.MaxTokenBytes)
        {
            error = Fail(TokenErrorCodes.TokenTooLarge, $"token is {token.Length} bytes; the limit is {options.MaxTokenBytes}");
            return null;
        }
        var firstDot = token.IndexOf('.', StringComparison.Ordinal);
        var secondDot = firstDot < 0 ? -1 : token.IndexOf('.', firstDot + 1);
        if (firstDot < 0 || secondDot < 0 || token.IndexOf('.', secondDot + 1) >= 0)
        {
            error = Fail(TokenErrorCodes.Malformed, $"expected 3 dot-separated parts (JWS compact serialization), found {token.Split('.').Length}");
            return null;
        }
        var encodedHeader = token.AsSpan(0, firstDot);
        var encodedPayload = token.AsSpan(firstDot + 1, secondDot - firstDot - 1);
        var encodedSignature = token.AsSpan(secondDot + 1);
        if (!StrictBase64Url.TryDecode(encodedHeader, out var headerBytes))
        {
            error = Fail(TokenErrorCodes.InvalidBase64Url, "the header is not canonical unpadded base64url");
            return null;
        }
        if (!StrictBase64Url.TryDecode(encodedPayload, out var payloadBytes))
        {
            error = Fail(TokenErrorCodes.InvalidBase64Url, "the payload is not canonical unpadded base64url");
            return null;
        }
        error = CheckHeader(headerBytes, findKey, out var key, out kid);
        if (key is null)
        {
            return null;
        }
        error = CheckSignature(key, token.AsSpan(0, secondDot), encodedSignature);
        return error is null ? payloadBytes : null;
    }

    private static string? CheckHeader(ReadOnlySpan<byte> utf8, Func<string, ECDsa?> findKey, out ECDsa? key, out string? kid)
    {
        key = null;
        kid = null;
        if (!Utf8.IsValid(utf8))
        {
            return Fail(TokenErrorCodes.InvalidUtf8, "the header is not valid UTF-8");
        }
        string? alg = null, typ = null, otherMember = null;
        var reader = new StrictJsonReader(utf8, HeaderMaxDepth);
        try
        {
            reader.ReadStartOfRootObject();
            while (reader.ReadMember())
            {
                var member = reader.NameIs("alg"u8) ? "alg" : reader.NameIs("typ"u8) ? "typ" : reader.NameIs("kid"u8) ? "kid" : null;
                if (member is null)
                {
                    otherMember ??= reader.GetName();
                }
                reader.ReadValue();
                // A member that is not a string counts as absent, and is refused as such below.
                var text = member is not null && reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                switch (member)
                {
                    case "alg":
                        alg = text;
                        break;
                    case "typ":
                        typ = text;
                        break;
                    case "kid":
                        kid = text;
                        break;
                }
                reader.SkipValue();
            }
            reader.ReadEndOfInput();
        }
        catch (StrictJsonException ex)
        {
            return Fail(ex.Code, $"the header is {ex.Message}");
        }
        return CheckHeaderMembers(alg, typ, kid, otherMember, findKey, out key);
    }

    /// <param name="otherMember">The first member other than alg, typ and kid, in the order the header lists them.</param>
    private static string? CheckHeaderMembers(string? alg, string? typ, string? kid, string? otherMember, Func<string, ECDsa?> findKey, out ECDsa? key)
    {
        key = null;
        if (alg is null || string.Equals(alg, "none", StringComparison.OrdinalIgnoreCase))
        {
            return Fail(TokenErrorCodes.UnsignedToken, $"alg '{alg ?? "(missing)"}' means an unsigned token; only {Algorithm} is accepted");
        }
        if (alg.StartsWith("HS", StringComparison.OrdinalIgnoreCase))
        {
            // An HMAC "signature" keyed with our public key is forgeable by anyone holding the JWKS (key confusion).
            return Fail(TokenErrorCodes.SymmetricAlgorithm, $"alg '{Truncate(alg)}' is a shared-secret algorithm; only {Algorithm} is accepted");
        }
        if (alg != Algorithm)
        {
            return Fail(TokenErrorCodes.UnsupportedAlgorithm, $"alg '{Truncate(alg)}' is not accepted; only {Algorithm} is");
        }
        switch (otherMember)
        {
            case null:
                break;
            case "jwk" or "x5c":
                return Fail(TokenErrorCodes.EmbeddedKey, $"header member '{otherMember}' embeds a key; keys come only from the issuer's JWKS");
            case "jku" or "x5u":
                return Fail(TokenErrorCodes.RemoteKeyReference, $"header member '{otherMember}' points at a key URL; this verifier never fetches keys a token names");
            case "crit":
                return Fail(TokenErrorCodes.UnsupportedCriticalHeader, "header member 'crit' demands extensions this verifier does not implement");
            default:
                return Fail(TokenErrorCodes.InvalidHeader, $"header member '{Truncate(otherMember)}' is not allowed; only alg, typ and kid are");
        }
        if (typ != TokenType)
        {
            return Fail(TokenErrorCodes.WrongTokenType, $"typ '{Truncate(typ ?? "(missing)")}' is not accepted; only {TokenType} (a delegated access token) is");
        }
        if (string.IsNullOrEmpty(kid))
        {
            return Fail(TokenErrorCodes.InvalidHeader, "kid is missing; the token must name a key in the issuer's JWKS");
        }
        key = findKey(kid);
        if (key is null)
        {
            return Fail(TokenErrorCodes.UnknownKey, $"kid {DescribeKid(kid)} is not in any trusted issuer's key set (rotated out, or not ours)");
        }
        return null;
    }

    /// <param name="signingInput">The header and payload as the token carries them: base64url, so ASCII.</param>
    private static string? CheckSignature(ECDsa key, ReadOnlySpan<char> signingInput, ReadOnlySpan<char> encodedSignature)
    {
        if (encodedSignature.IsEmpty)
        {
            return Fail(TokenErrorCodes.MissingSignature, "the signature part is empty");
        }
        if (!StrictBase64Url.TryGetDecodedLength(encodedSignature, out var signatureLength))
        {
            return Fail(TokenErrorCodes.InvalidBase64Url, "the signature is not canonical unpadded base64url");
        }
        if (signatureLength != SignatureBytes)
        {
            return Fail(TokenErrorCodes.InvalidSignature, $"an ES256 signature is {SignatureBytes} bytes (r||s), found {signatureLength}");
        }
        Span<byte> signature = stackalloc byte[SignatureBytes];
        if (!StrictBase64Url.TryDecode(encodedSignature, signature))
        {
            return Fail(TokenErrorCodes.InvalidBase64Url, "the signature is not canonical unpadded base64url");
        }
        // CVE-2022-21449: some ECDSA implementations accepted r = s = 0 for any message; refuse it outright.
        if (signature[..(SignatureBytes / 2)].IndexOfAnyExcept((byte)0) < 0 ||
            signature[(SignatureBytes / 2)..].IndexOfAnyExcept((byte)0) < 0)
        {
            return Fail(TokenErrorCodes.ZeroSignature, "signature component r or s is zero, which no genuine ECDSA signature has");
        }
        // The size limit has already bounded the input, so it is borrowed rather than allocated on every call.
        var buffer = ArrayPool<byte>.Shared.Rent(signingInput.Length);
        try
        {
            var length = Encoding.ASCII.GetBytes(signingInput, buffer);
            if (!key.VerifyData(buffer.AsSpan(0, length), signature, HashAlgorithmName.SHA256))
            {
                return Fail(TokenErrorCodes.InvalidSignature, "signature does not match the header and payload");
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        return null;
    }

    // A key id is worth quoting to an operator; anything longer or stranger than one is token content, so it is not.
    private static string DescribeKid(string kid) =>
        kid.Length <= 64 && kid.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '/' or ' ' or '\'' or '=')
            ? $"'{kid}'"
            : $"of {kid.Length} characters";

    private static string Truncate(string text) => text.Length <= 64 ? text : text[..64] + "…";

    private static string Fail(string code, string detail) => $"{code}: {detail}";
}
