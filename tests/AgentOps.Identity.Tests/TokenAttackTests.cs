using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace AgentOps.Identity.Tests;

/// <summary>One test per RFC 8725 attack class a verifier must refuse.</summary>
public sealed class TokenAttackTests : IDisposable
{
    private readonly IdentityTestContext _context = new();
    private readonly string _token;

    public TokenAttackTests() => _token = _context.GitStepToken().Token;

    public void Dispose() => _context.Dispose();

    [Fact]
    public void Verify_GenuineToken_Valid()
    {
        var sut = _context.Verifier();

        var result = sut.Verify(_token, IdentityTestContext.GitServer);

        Assert.True(result.IsValid, result.Error);
    }

    [Fact]
    public void Verify_ScopeFlippedSignatureKept_InvalidSignature()
    {
        var sut = _context.Verifier();
        var parts = _token.Split('.');
        var payload = IdentityTestContext.Payload(_token);
        payload["scope"] = "git:write:repo/platform-secrets";
        var tampered = $"{parts[0]}.{IdentityTestContext.Encode(payload.ToJsonString())}.{parts[2]}";

        var result = sut.Verify(tampered, IdentityTestContext.GitServer);

        Assert.Equal("invalid_signature: signature does not match the header and payload", result.Error);
    }

    [Fact]
    public void Verify_AlgNoneWithoutSignature_InvalidHeader()
    {
        var sut = _context.Verifier();
        var header = IdentityTestContext.Encode($$"""{"alg":"none","typ":"at+jwt","kid":"{{_context.Keys.KeyId}}"}""");
        var token = $"{header}.{_token.Split('.')[1]}.";

        var result = sut.Verify(token, IdentityTestContext.GitServer);

        Assert.Equal(TokenErrorCodes.InvalidHeader, result.ErrorCode);
        Assert.Contains("'none'", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_Hs256KeyedWithPublicJwks_InvalidHeader()
    {
        var sut = _context.Verifier();
        var header = IdentityTestContext.Encode($$"""{"alg":"HS256","typ":"at+jwt","kid":"{{_context.Keys.KeyId}}"}""");
        var signingInput = $"{header}.{_token.Split('.')[1]}";
        // The classic key confusion: HMAC keyed with the verifier's public key material, which an attacker can read.
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(_context.Keys.JwksJson), Encoding.ASCII.GetBytes(signingInput));
        var token = $"{signingInput}.{IdentityTestContext.Encode(mac)}";

        var result = sut.Verify(token, IdentityTestContext.GitServer);

        Assert.Equal(TokenErrorCodes.InvalidHeader, result.ErrorCode);
        Assert.Contains("'HS256'", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_RAndSZero_InvalidSignature()
    {
        var sut = _context.Verifier();
        var parts = _token.Split('.');
        var token = $"{parts[0]}.{parts[1]}.{IdentityTestContext.Encode(new byte[64])}";

        var result = sut.Verify(token, IdentityTestContext.GitServer);

        Assert.Equal("invalid_signature: signature component r or s is zero", result.Error);
    }

    [Fact]
    public void Verify_SignatureStripped_InvalidSignature()
    {
        var sut = _context.Verifier();
        var parts = _token.Split('.');

        var result = sut.Verify($"{parts[0]}.{parts[1]}.", IdentityTestContext.GitServer);

        Assert.Equal(TokenErrorCodes.InvalidSignature, result.ErrorCode);
        Assert.Contains("found 0", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_DerEncodedSignature_InvalidSignature()
    {
        var sut = _context.Verifier();
        var parts = _token.Split('.');
        var der = _context.Keys.SigningKey.SignData(Encoding.ASCII.GetBytes($"{parts[0]}.{parts[1]}"),
            HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);

        var result = sut.Verify($"{parts[0]}.{parts[1]}.{IdentityTestContext.Encode(der)}", IdentityTestContext.GitServer);

        Assert.Equal(TokenErrorCodes.InvalidSignature, result.ErrorCode);
    }

    [Theory]
    [InlineData("jwk")]
    [InlineData("jku")]
    [InlineData("x5u")]
    [InlineData("x5c")]
    [InlineData("crit")]
    [InlineData("cty")]
    public void Verify_ExtraHeaderMember_InvalidHeader(string member)
    {
        var sut = _context.Verifier();
        var jwk = new JsonObject { ["kty"] = "EC", ["crv"] = "P-256", ["x"] = "AAAA", ["y"] = "AAAA" };
        var token = _context.Resign(_token, _ => { }, h => h[member] = member == "jwk" ? jwk : "https://attacker.example/keys");

        var result = sut.Verify(token, IdentityTestContext.GitServer);

        Assert.Equal($"invalid_header: header member '{member}' is not allowed; only alg, typ and kid are", result.Error);
    }

    [Theory]
    [InlineData("JWT")]
    [InlineData("AT+JWT")]
    [InlineData("id_token+jwt")]
    public void Verify_OtherTyp_InvalidHeader(string typ)
    {
        var sut = _context.Verifier();
        var token = _context.Resign(_token, _ => { }, h => h["typ"] = typ);

        var result = sut.Verify(token, IdentityTestContext.GitServer);

        Assert.Equal(TokenErrorCodes.InvalidHeader, result.ErrorCode);
        Assert.Contains($"'{typ}'", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not-a-known-key")]
    [InlineData("../../../../dev/null")]
    [InlineData("' OR '1'='1")]
    public void Verify_UnknownKid_UnknownKey(string kid)
    {
        var sut = _context.Verifier();
        var token = _context.Resign(_token, _ => { }, h => h["kid"] = kid);

        var result = sut.Verify(token, IdentityTestContext.GitServer);

        Assert.Equal(TokenErrorCodes.UnknownKey, result.ErrorCode);
    }

    [Fact]
    public void Verify_SignedByAnotherKeyUnderOurKid_InvalidSignature()
    {
        var sut = _context.Verifier();
        using var attacker = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var token = new JwsSigner(attacker, _context.Keys.KeyId).SignRaw(IdentityTestContext.Header(_token), IdentityTestContext.Payload(_token));

        var result = sut.Verify(token, IdentityTestContext.GitServer);

        Assert.Equal(TokenErrorCodes.InvalidSignature, result.ErrorCode);
    }

    [Fact]
    public void Verify_DuplicateMemberInPayload_Malformed()
    {
        var sut = _context.Verifier();
        var payload = IdentityTestContext.Payload(_token).ToJsonString();
        // The signed text is a valid JSON document, but parsers disagree about which "scope" wins.
        var duplicated = "{\"scope\":\"*:*\"," + payload[1..];
        var token = _context.Signer.SignRaw(IdentityTestContext.Header(_token).ToJsonString(), duplicated);

        var result = sut.Verify(token, IdentityTestContext.GitServer);

        Assert.Equal("malformed: payload is duplicate member name 'scope'", result.Error);
    }

    [Fact]
    public void Verify_DuplicateEscapedMemberInHeader_Malformed()
    {
        var sut = _context.Verifier();
        var header = $$"""{"alg":"ES256","typ":"at+jwt","kid":"{{_context.Keys.KeyId}}","\u0061lg":"none"}""";
        var token = _context.Signer.SignRaw(header, IdentityTestContext.Payload(_token).ToJsonString());

        var result = sut.Verify(token, IdentityTestContext.GitServer);

        Assert.Equal("malformed: header is duplicate member name 'alg'", result.Error);
    }

    [Fact]
    public void Verify_PaddedBase64_Malformed()
    {
        var sut = _context.Verifier();
        var parts = _token.Split('.');
        var padded = parts[0] + new string('=', (4 - parts[0].Length % 4) % 4 + 4);

        var result = sut.Verify($"{padded}.{parts[1]}.{parts[2]}", IdentityTestContext.GitServer);

        Assert.Equal(TokenErrorCodes.Malformed, result.ErrorCode);
        Assert.Contains("base64url", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_InvalidUtf8Payload_Malformed()
    {
        var sut = _context.Verifier();
        var parts = _token.Split('.');
        var payload = IdentityTestContext.Encode([(byte)'{', 0xC3, 0x28, (byte)'}']);
        var signature = _context.Keys.SigningKey.SignData(Encoding.ASCII.GetBytes($"{parts[0]}.{payload}"), HashAlgorithmName.SHA256);

        var result = sut.Verify($"{parts[0]}.{payload}.{IdentityTestContext.Encode(signature)}", IdentityTestContext.GitServer);

        Assert.Equal("malformed: payload is not valid UTF-8", result.Error);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(4)]
    [InlineData(5)]
    public void Verify_WrongPartCount_Malformed(int parts)
    {
        var sut = _context.Verifier();
        var segments = _token.Split('.');
        var token = string.Join('.', Enumerable.Range(0, parts).Select(i => segments[i % 3]));

        var result = sut.Verify(token, IdentityTestContext.GitServer);

        Assert.Equal($"malformed: expected 3 dot-separated parts (JWS compact serialization), found {parts}", result.Error);
    }

    [Fact]
    public void Verify_OversizedToken_Malformed()
    {
        var sut = _context.Verifier();
        var token = _context.Resign(_token, p => p["padding"] = new string('x', 9000));

        var result = sut.Verify(token, IdentityTestContext.GitServer);

        Assert.Equal(TokenErrorCodes.Malformed, result.ErrorCode);
        Assert.Contains("limit is 8192", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_DeeplyNestedPayload_Malformed()
    {
        var sut = _context.Verifier();
        var payload = IdentityTestContext.Payload(_token).ToJsonString();
        var nested = "{\"deep\":" + string.Concat(Enumerable.Repeat("[", 200)) + string.Concat(Enumerable.Repeat("]", 200)) + "," + payload[1..];
        var token = _context.Signer.SignRaw(IdentityTestContext.Header(_token).ToJsonString(), nested);

        var result = sut.Verify(token, IdentityTestContext.GitServer);

        Assert.Equal(TokenErrorCodes.Malformed, result.ErrorCode);
        Assert.Contains("not valid JSON", result.Error, StringComparison.Ordinal);
    }
}
