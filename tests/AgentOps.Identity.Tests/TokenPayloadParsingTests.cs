using System.Text.Json.Nodes;

namespace AgentOps.Identity.Tests;

/// <summary>
/// The verifier reads a payload in one pass (structure, claims and chain together, no document). These pin what that
/// pass must still refuse or accept that a document parser gave for free: names compared unescaped in every object,
/// member order irrelevant, nothing after the object, and exact canonical base64url.
/// </summary>
public sealed class TokenPayloadParsingTests : IDisposable
{
    private readonly IdentityTestContext _context = new();
    private readonly string _token;

    public TokenPayloadParsingTests() => _token = _context.GitStepToken().Token;

    public void Dispose() => _context.Dispose();

    [Fact]
    public void Verify_ClaimsInReverseOrder_Valid()
    {
        var sut = _context.Verifier();
        var payload = IdentityTestContext.Payload(_token);
        var reversed = new JsonObject(payload.Reverse().Select(p => KeyValuePair.Create(p.Key, p.Value?.DeepClone())));

        var result = sut.Verify(Sign(reversed.ToJsonString()), IdentityTestContext.GitServer);

        Assert.True(result.IsValid, result.Error);
    }

    [Fact]
    public void Verify_EscapedDuplicateInsideAChainEntry_DuplicateKey()
    {
        var sut = _context.Verifier();
        var json = IdentityTestContext.Payload(_token).ToJsonString();
        // The second "scope" is spelt with an escape; unescaped, the entry names it twice.
        var entryStart = json.IndexOf("{\"iss\"", json.IndexOf("delegation_chain", StringComparison.Ordinal), StringComparison.Ordinal);
        var duplicated = json.Insert(entryStart + 1, "\"\\u0073cope\":\"*:*\",");

        var result = sut.Verify(Sign(duplicated), IdentityTestContext.GitServer);

        Assert.Equal("duplicate_key: the payload is ambiguous: it repeats the member name 'scope', which parsers resolve differently", result.Error);
    }

    [Fact]
    public void Verify_SameMemberNamesInSiblingObjects_NotADuplicate()
    {
        var sut = _context.Verifier();
        var payload = IdentityTestContext.Payload(_token);
        // An unknown claim whose objects repeat names across siblings, but never within one object.
        payload["x-extra"] = JsonNode.Parse("""[{"a":1,"b":{"a":2}},{"a":3,"b":{"a":4}}]""");

        var result = sut.Verify(Sign(payload.ToJsonString()), IdentityTestContext.GitServer);

        Assert.True(result.IsValid, result.Error);
    }

    [Fact]
    public void Verify_DuplicateAfterANestedObjectCloses_DuplicateKey()
    {
        var sut = _context.Verifier();
        var json = IdentityTestContext.Payload(_token).ToJsonString();
        // "iss" again at the top level, after an object whose own members were forgotten when it closed.
        var duplicated = json[..^1] + ",\"x-nested\":{\"iss\":\"inner\"},\"iss\":\"spiffe://agentops.local/broker\"}";

        var result = sut.Verify(Sign(duplicated), IdentityTestContext.GitServer);

        Assert.Equal(TokenErrorCodes.DuplicateKey, result.ErrorCode);
        Assert.Contains("'iss'", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_LoneSurrogateEscapeInAMemberName_Malformed()
    {
        var sut = _context.Verifier();
        var json = IdentityTestContext.Payload(_token).ToJsonString();
        var broken = json[..^1] + ",\"\\ud800\":1}";

        var result = sut.Verify(Sign(broken), IdentityTestContext.GitServer);

        Assert.Equal(TokenErrorCodes.Malformed, result.ErrorCode);
        Assert.StartsWith("malformed: the payload is not valid JSON", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(" {}")]
    [InlineData("[]")]
    public void Verify_DataAfterThePayloadObject_Malformed(string trailing)
    {
        var sut = _context.Verifier();
        var json = IdentityTestContext.Payload(_token).ToJsonString() + trailing;

        var result = sut.Verify(Sign(json), IdentityTestContext.GitServer);

        Assert.Equal(TokenErrorCodes.Malformed, result.ErrorCode);
    }

    [Fact]
    public void Verify_ChainEntryProblemsReportedInEntryOrder()
    {
        var sut = _context.Verifier();
        var payload = IdentityTestContext.Payload(_token);
        var chain = payload["delegation_chain"]!.AsArray();
        chain[0]!.AsObject().Remove("scope");
        chain[^1]!.AsObject()["colour"] = "blue";

        var result = sut.Verify(Sign(payload.ToJsonString()), IdentityTestContext.GitServer);

        Assert.Equal("invalid_chain: entry 0 member 'scope' is missing", result.Error);
    }

    [Fact]
    public void Verify_HeaderMemberThatIsNotAString_CountsAsMissing()
    {
        var sut = _context.Verifier();
        var header = $$"""{"alg":"ES256","typ":["at+jwt"],"kid":"{{_context.Keys.KeyId}}"}""";

        var result = sut.Verify(_context.Signer.SignRaw(header, IdentityTestContext.Payload(_token).ToJsonString()), IdentityTestContext.GitServer);

        Assert.Equal("wrong_token_type: typ '(missing)' is not accepted; only at+jwt (a delegated access token) is", result.Error);
    }

    [Theory]
    [InlineData("QQ", true)]
    [InlineData("QR", false)]
    [InlineData("QUI", true)]
    [InlineData("QUJ", false)]
    [InlineData("QUJD", true)]
    [InlineData("QUJD=", false)]
    [InlineData("Q", false)]
    [InlineData("QU+D", false)]
    public void TryDecode_OnlyTheCanonicalSpellingOfTheBytes(string text, bool canonical)
    {
        var decoded = StrictBase64Url.TryDecode(text, out var bytes);

        Assert.Equal(canonical, decoded);
        if (canonical)
        {
            Assert.Equal(text, StrictBase64Url.Encode(bytes!));
        }
    }

    [Fact]
    public void Verify_SignatureWithNonZeroTrailingBits_InvalidBase64Url()
    {
        var sut = _context.Verifier();
        var parts = _token.Split('.');
        // 64 bytes take 86 characters, the last carrying 4 unused bits: setting one decodes to the same signature.
        var last = parts[2][^1];
        var alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        var altered = parts[2][..^1] + alphabet[alphabet.IndexOf(last, StringComparison.Ordinal) | 1];

        var result = sut.Verify($"{parts[0]}.{parts[1]}.{altered}", IdentityTestContext.GitServer);

        Assert.Equal("invalid_base64url: the signature is not canonical unpadded base64url", result.Error);
    }

    private string Sign(string payloadJson) => _context.Signer.SignRaw(IdentityTestContext.HeaderText(_token), payloadJson);
}
