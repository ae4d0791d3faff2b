using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace AgentOps.Identity.Tests;

/// <summary>
/// One test per attack a verifier must refuse (RFC 8725 classes, then the delegation-chain attacks), each asserting
/// the specific reason code, so a refusal for the wrong reason fails the test. Chain attacks are signed with the
/// broker's own key: the verifier must not rely on the broker being right.
/// </summary>
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

    [Theory]
    [InlineData("none")]
    [InlineData("None")]
    [InlineData("NONE")]
    public void Verify_AlgNone_UnsignedToken(string alg)
    {
        var sut = _context.Verifier();
        var header = IdentityTestContext.Encode($$"""{"alg":"{{alg}}","typ":"at+jwt","kid":"{{_context.Keys.KeyId}}"}""");
        var token = $"{header}.{_token.Split('.')[1]}.";

        var result = sut.Verify(token, IdentityTestContext.GitServer);

        Assert.Equal(TokenErrorCodes.UnsignedToken, result.ErrorCode);
        Assert.Contains($"'{alg}'", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_Hs256KeyedWithPublicJwks_SymmetricAlgorithm()
    {
        var sut = _context.Verifier();
        var header = IdentityTestContext.Encode($$"""{"alg":"HS256","typ":"at+jwt","kid":"{{_context.Keys.KeyId}}"}""");
        var signingInput = $"{header}.{_token.Split('.')[1]}";
        // The classic key confusion: HMAC keyed with the verifier's public key material, which an attacker can read.
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(_context.Keys.JwksJson), Encoding.ASCII.GetBytes(signingInput));
        var token = $"{signingInput}.{IdentityTestContext.Encode(mac)}";

        var result = sut.Verify(token, IdentityTestContext.GitServer);

        Assert.Equal(TokenErrorCodes.SymmetricAlgorithm, result.ErrorCode);
        Assert.Contains("'HS256'", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_Rs256_UnsupportedAlgorithm()
    {
        var sut = _context.Verifier();
        var token = _context.Resign(_token, _ => { }, h => h["alg"] = "RS256");

        var result = sut.Verify(token, IdentityTestContext.GitServer);

        Assert.Equal(TokenErrorCodes.UnsupportedAlgorithm, result.ErrorCode);
    }

    [Fact]
    public void Verify_RAndSZero_ZeroSignature()
    {
        var sut = _context.Verifier();
        var parts = _token.Split('.');
        var token = $"{parts[0]}.{parts[1]}.{IdentityTestContext.Encode(new byte[64])}";

        var result = sut.Verify(token, IdentityTestContext.GitServer);

        Assert.Equal(TokenErrorCodes.ZeroSignature, result.ErrorCode);
    }

    [Fact]
    public void Verify_SignatureStripped_MissingSignature()
    {
        var sut = _context.Verifier();
        var parts = _token.Split('.');

        var result = sut.Verify($"{parts[0]}.{parts[1]}.", IdentityTestContext.GitServer);

        Assert.Equal("missing_signature: the signature part is empty", result.Error);
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
    [InlineData("x5c")]
    public void Verify_EmbeddedKeyHeader_EmbeddedKey(string member)
    {
        var sut = _context.Verifier();
        // The attacker's own key, embedded so a naive verifier would check the token against it.
        using var attacker = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var parameters = attacker.ExportParameters(false);
        var jwk = new JsonObject { ["kty"] = "EC", ["crv"] = "P-256", ["x"] = IdentityTestContext.Encode(parameters.Q.X!), ["y"] = IdentityTestContext.Encode(parameters.Q.Y!) };
        var token = _context.Resign(_token, _ => { }, h => h[member] = member == "jwk" ? jwk : new JsonArray("MIIB"));

        var result = sut.Verify(token, IdentityTestContext.GitServer);

        Assert.Equal($"embedded_key: header member '{member}' embeds a key; keys come only from the issuer's JWKS", result.Error);
    }

    [Theory]
    [InlineData("jku")]
    [InlineData("x5u")]
    public void Verify_KeyUrlHeader_RemoteKeyReference(string member)
    {
        var sut = _context.Verifier();
        var token = _context.Resign(_token, _ => { }, h => h[member] = "http://169.254.169.254/latest/meta-data/");

        var result = sut.Verify(token, IdentityTestContext.GitServer);

        Assert.Equal(TokenErrorCodes.RemoteKeyReference, result.ErrorCode);
        Assert.DoesNotContain("169.254", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_UnknownCrit_UnsupportedCriticalHeader()
    {
        var sut = _context.Verifier();
        var token = _context.Resign(_token, _ => { }, h => h["crit"] = new JsonArray("exp-ext"));

        var result = sut.Verify(token, IdentityTestContext.GitServer);

        Assert.Equal(TokenErrorCodes.UnsupportedCriticalHeader, result.ErrorCode);
    }

    [Fact]
    public void Verify_OtherHeaderMember_InvalidHeader()
    {
        var sut = _context.Verifier();
        var token = _context.Resign(_token, _ => { }, h => h["cty"] = "JWT");

        var result = sut.Verify(token, IdentityTestContext.GitServer);

        Assert.Equal("invalid_header: header member 'cty' is not allowed; only alg, typ and kid are", result.Error);
    }

    [Theory]
    [InlineData("JWT")]
    [InlineData("AT+JWT")]
    [InlineData("id_token+jwt")]
    public void Verify_IdTokenOrOtherTyp_WrongTokenType(string typ)
    {
        var sut = _context.Verifier();
        var token = _context.Resign(_token, _ => { }, h => h["typ"] = typ);

        var result = sut.Verify(token, IdentityTestContext.GitServer);

        Assert.Equal(TokenErrorCodes.WrongTokenType, result.ErrorCode);
        Assert.Contains($"'{typ}'", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not-a-known-key")]
    [InlineData("../../../../dev/null")]
    [InlineData("/etc/passwd")]
    [InlineData("' OR '1'='1")]
    public void Verify_KidPathTraversalOrUnknown_UnknownKey(string kid)
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
    public void Verify_Expired_Expired()
    {
        var sut = _context.Verifier();
        _context.Time.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(60));

        var result = sut.Verify(_token, IdentityTestContext.GitServer);

        Assert.Equal(TokenErrorCodes.Expired, result.ErrorCode);
    }

    [Fact]
    public void Verify_NotBeforeInFuture_NotYetValid()
    {
        var sut = _context.Verifier();
        var token = _context.Resign(_token, p => p["nbf"] = _context.Time.GetUtcNow().AddMinutes(2).ToUnixTimeSeconds());

        var result = sut.Verify(token, IdentityTestContext.GitServer);

        Assert.Equal(TokenErrorCodes.NotYetValid, result.ErrorCode);
    }

    [Fact]
    public void Verify_IssuedBeyondSkewInFuture_IssuedInFuture()
    {
        var sut = _context.Verifier();
        var token = _context.Resign(_token, p => p["iat"] = _context.Time.GetUtcNow().AddSeconds(61).ToUnixTimeSeconds());

        var result = sut.Verify(token, IdentityTestContext.GitServer);

        Assert.Equal(TokenErrorCodes.IssuedInFuture, result.ErrorCode);
    }

    [Fact]
    public void Verify_IssuedWithinSkewInFuture_Valid()
    {
        var sut = _context.Verifier();
        var token = _context.Resign(_token, p => p["iat"] = _context.Time.GetUtcNow().AddSeconds(59).ToUnixTimeSeconds());

        var result = sut.Verify(token, IdentityTestContext.GitServer);

        Assert.True(result.IsValid, result.Error);
    }

    [Fact]
    public void Verify_ExpMissing_MissingClaim()
    {
        var sut = _context.Verifier();
        var token = _context.Resign(_token, p => p.Remove("exp"));

        var result = sut.Verify(token, IdentityTestContext.GitServer);

        Assert.Equal("missing_claim: claim 'exp' is missing", result.Error);
    }

    [Fact]
    public void Verify_OtherServer_WrongAudience()
    {
        var sut = _context.Verifier();

        var result = sut.Verify(_token, IdentityTestContext.K8sServer);

        Assert.Equal(TokenErrorCodes.WrongAudience, result.ErrorCode);
    }

    [Fact]
    public void Verify_MultiAudienceReplayedToSibling_MultipleAudiences()
    {
        var sut = _context.Verifier();
        var token = _context.Resign(_token, p => p["aud"] = new JsonArray(IdentityTestContext.GitServer, IdentityTestContext.K8sServer));

        var atSibling = sut.Verify(token, IdentityTestContext.K8sServer);
        var atNamed = sut.Verify(token, IdentityTestContext.GitServer);

        Assert.Equal(TokenErrorCodes.MultipleAudiences, atSibling.ErrorCode);
        Assert.Equal(TokenErrorCodes.MultipleAudiences, atNamed.ErrorCode);
    }

    [Fact]
    public void Verify_UntrustedIssuer_WrongIssuer()
    {
        var sut = _context.Verifier();
        var token = _context.Resign(_token, p => p["iss"] = "https://idp.attacker.example");

        var result = sut.Verify(token, IdentityTestContext.GitServer);

        Assert.Equal(TokenErrorCodes.WrongIssuer, result.ErrorCode);
    }

    [Fact]
    public void Verify_IssuerNotOwningSigningKey_IssuerKeyMismatch()
    {
        using var tenantB = new TenantBroker();
        var sut = new DelegatedTokenVerifier(TrustBoth(tenantB), new VerifierOptions(), _context.Time, replayCache: null);
        // Signed with tenant A's key, but claiming to come from tenant B's broker, which sut also trusts.
        var token = _context.Resign(_token, p => p["iss"] = TenantBroker.Issuer);

        var result = sut.Verify(token, IdentityTestContext.GitServer);

        Assert.Equal(TokenErrorCodes.IssuerKeyMismatch, result.ErrorCode);
    }

    [Fact]
    public void Verify_TenantBBrokerMintsForTenantAServer_ForeignTrustDomain()
    {
        using var tenantB = new TenantBroker();
        var sut = new DelegatedTokenVerifier(TrustBoth(tenantB), new VerifierOptions(), _context.Time, replayCache: null);
        // Genuinely signed by tenant B's own broker, for tenant A's git server: B may speak only for its own domain.
        var token = tenantB.StepTokenFor(IdentityTestContext.GitServer, _context.Time);

        var result = sut.Verify(token, IdentityTestContext.GitServer);

        Assert.Equal(TokenErrorCodes.ForeignTrustDomain, result.ErrorCode);
        Assert.Contains("tenant-b.local", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_TenantBTokenAtItsOwnServer_Valid()
    {
        using var tenantB = new TenantBroker();
        var sut = new DelegatedTokenVerifier(TrustBoth(tenantB), new VerifierOptions(), _context.Time, replayCache: null);
        var token = tenantB.StepTokenFor(TenantBroker.GitServer, _context.Time);

        var result = sut.Verify(token, TenantBroker.GitServer);

        Assert.True(result.IsValid, result.Error);
        Assert.Equal(TenantBroker.Issuer, result.Credential!.Issuer);
    }

    [Fact]
    public void Verify_ChainEntriesOutOfOrder_ChainOutOfOrder()
    {
        var sut = _context.Verifier();
        var token = _context.Resign(_token, p => Entry(p, 0)["delegated_at"] = (long)Entry(p, 1)["delegated_at"]! + 1);

        var result = sut.Verify(token, IdentityTestContext.GitServer);

        Assert.Equal(TokenErrorCodes.ChainOutOfOrder, result.ErrorCode);
    }

    [Fact]
    public void Verify_AudToSubContinuityBroken_ChainBroken()
    {
        var sut = _context.Verifier();
        var token = _context.Resign(_token, p => Entry(p, 0)["aud"] = "spiffe://agentops.local/agent/someone-else");

        var result = sut.Verify(token, IdentityTestContext.GitServer);

        Assert.Equal(
            $"chain_broken: entry 0 delegates to 'spiffe://agentops.local/agent/someone-else' but entry 1 is delegated by '{IdentityTestContext.Planner.Id}'",
            result.Error);
    }

    [Fact]
    public void Verify_HopSplicedFromAnotherChain_ChainSpliced()
    {
        var sut = _context.Verifier();
        _context.Time.Advance(TimeSpan.FromSeconds(1));
        // Another goal through the same planner to the same agent: its hop lines up on every principal and scope.
        var other = _context.GitStepToken().Token;
        var foreignHop = Entry(IdentityTestContext.Payload(other), 1).DeepClone();
        var token = _context.Resign(_token, p =>
        {
            p["delegation_chain"]![1] = foreignHop;
            p["jti"] = foreignHop["jti"]!.GetValue<string>();
        });

        var result = sut.Verify(token, IdentityTestContext.GitServer);

        Assert.Equal(TokenErrorCodes.ChainSpliced, result.ErrorCode);
    }

    [Fact]
    public void Verify_ChainCopiedOntoAnotherToken_ChainSpliced()
    {
        var sut = _context.Verifier();
        var token = _context.Resign(_token, p => p["jti"] = "fresh-jti-to-dodge-the-replay-cache");

        var result = sut.Verify(token, IdentityTestContext.GitServer);

        Assert.Equal(TokenErrorCodes.ChainSpliced, result.ErrorCode);
    }

    [Fact]
    public void Verify_ScopeWidenedAtSecondHop_ScopeWidened()
    {
        var sut = _context.Verifier();
        var token = _context.Resign(_token, p =>
        {
            Entry(p, 0)["scope"] = "git:read";
            Entry(p, 1)["scope"] = "git:write:repo/platform-gitops";
        });

        var result = sut.Verify(token, IdentityTestContext.GitServer);

        Assert.Equal("scope_widened: entry 1 widens scope: 'git:write:repo/platform-gitops' is not within 'git:read'", result.Error);
    }

    [Fact]
    public void Verify_ConstraintsRelaxedAtSecondHop_ConstraintsRelaxed()
    {
        var sut = _context.Verifier();
        var token = _context.Resign(_token, p => Entry(p, 1)["constraints"] = new JsonObject { ["max_duration"] = 3600 });

        var result = sut.Verify(token, IdentityTestContext.GitServer);

        Assert.Equal(TokenErrorCodes.ConstraintsRelaxed, result.ErrorCode);
        Assert.Contains("3600 s", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_ConstraintDroppedAtSecondHop_ConstraintsRelaxed()
    {
        var sut = _context.Verifier();
        var token = _context.Resign(_token, p => Entry(p, 1).Remove("constraints"));

        var result = sut.Verify(token, IdentityTestContext.GitServer);

        Assert.Equal(TokenErrorCodes.ConstraintsRelaxed, result.ErrorCode);
        Assert.Contains("no limit", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_DeeperThanMaximum_ChainTooDeep()
    {
        using var context = new IdentityTestContext(new BrokerOptions { MaxChainDepth = 6 });
        var token = context.ChainToken(6).Token;
        var sut = context.Verifier();

        var result = sut.Verify(token, IdentityTestContext.GitServer);

        Assert.Equal("chain_too_deep: the chain has 6 hops; at most 5 are allowed", result.Error);
    }

    [Fact]
    public void Verify_AtMaximumDepth_Valid()
    {
        var token = _context.ChainToken(5).Token;
        var sut = _context.Verifier();

        var result = sut.Verify(token, IdentityTestContext.GitServer);

        Assert.True(result.IsValid, result.Error);
        Assert.Equal(5, result.Credential!.Chain.Count);
    }

    [Fact]
    public void Verify_DelegationBackToEarlierAgent_ChainCycle()
    {
        var sut = _context.Verifier();
        var planner = IdentityTestContext.Planner.Id;
        // alice -> planner -> hop-1 -> planner: every hop links up, but the planner gets its authority back.
        var token = _context.Resign(_context.ChainToken(3).Token, p =>
        {
            Entry(p, 2)["aud"] = planner;
            p["sub"] = planner;
        });

        var result = sut.Verify(token, IdentityTestContext.GitServer);

        Assert.Equal(TokenErrorCodes.ChainCycle, result.ErrorCode);
    }

    [Fact]
    public void Verify_JtiUsedTwice_Replayed()
    {
        var sut = _context.Verifier(replayCache: new InMemoryReplayCache(_context.Time));
        Assert.True(sut.Verify(_token, IdentityTestContext.GitServer).IsValid);

        var result = sut.Verify(_token, IdentityTestContext.GitServer);

        Assert.Equal(TokenErrorCodes.Replayed, result.ErrorCode);
    }

    [Fact]
    public void Verify_OversizedToken_TokenTooLarge()
    {
        var sut = _context.Verifier();
        var token = _context.Resign(_token, p => p["padding"] = new string('x', 9000));

        var result = sut.Verify(token, IdentityTestContext.GitServer);

        Assert.Equal(TokenErrorCodes.TokenTooLarge, result.ErrorCode);
        Assert.Contains("limit is 8192", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_OversizedGarbage_RefusedBeforeDecoding()
    {
        var sut = _context.Verifier();
        // Not even base64url: only a check made before decoding can name the size as the reason.
        var garbage = new string('!', 100_000);

        var result = sut.Verify(garbage, IdentityTestContext.GitServer);

        Assert.Equal(TokenErrorCodes.TokenTooLarge, result.ErrorCode);
    }

    [Fact]
    public void Verify_DeeplyNestedPayload_NestingTooDeep()
    {
        var sut = _context.Verifier();
        var payload = IdentityTestContext.Payload(_token).ToJsonString();
        var nested = "{\"deep\":" + string.Concat(Enumerable.Repeat("[", 200)) + string.Concat(Enumerable.Repeat("]", 200)) + "," + payload[1..];
        var token = _context.Signer.SignRaw(IdentityTestContext.Header(_token).ToJsonString(), nested);

        var result = sut.Verify(token, IdentityTestContext.GitServer);

        Assert.Equal("nesting_too_deep: the payload is nested deeper than 16 levels", result.Error);
    }

    [Fact]
    public void Verify_DuplicateClaimInPayload_DuplicateKey()
    {
        var sut = _context.Verifier();
        var payload = IdentityTestContext.Payload(_token).ToJsonString();
        // The signed text is a valid JSON document, but parsers disagree about which "scope" wins.
        var duplicated = "{\"scope\":\"*:*\"," + payload[1..];
        var token = _context.Signer.SignRaw(IdentityTestContext.Header(_token).ToJsonString(), duplicated);

        var result = sut.Verify(token, IdentityTestContext.GitServer);

        Assert.Equal("duplicate_key: the payload is ambiguous: it repeats the member name 'scope', which parsers resolve differently", result.Error);
    }

    [Fact]
    public void Verify_DuplicateEscapedMemberInHeader_DuplicateKey()
    {
        var sut = _context.Verifier();
        var header = $$"""{"alg":"ES256","typ":"at+jwt","kid":"{{_context.Keys.KeyId}}","\u0061lg":"none"}""";
        var token = _context.Signer.SignRaw(header, IdentityTestContext.Payload(_token).ToJsonString());

        var result = sut.Verify(token, IdentityTestContext.GitServer);

        Assert.Equal("duplicate_key: the header is ambiguous: it repeats the member name 'alg', which parsers resolve differently", result.Error);
    }

    [Theory]
    [InlineData("padding")]
    [InlineData("standard-alphabet")]
    [InlineData("whitespace")]
    public void Verify_InvalidBase64Url_InvalidBase64Url(string variant)
    {
        var sut = _context.Verifier();
        var parts = _token.Split('.');
        var header = variant switch
        {
            "padding" => parts[0] + new string('=', (4 - parts[0].Length % 4) % 4 + 4),
            "standard-alphabet" => parts[0][..^1] + "+",
            _ => parts[0][..10] + " " + parts[0][10..],
        };

        var result = sut.Verify($"{header}.{parts[1]}.{parts[2]}", IdentityTestContext.GitServer);

        Assert.Equal("invalid_base64url: the header is not canonical unpadded base64url", result.Error);
    }

    [Fact]
    public void Verify_NonUtf8Payload_InvalidUtf8()
    {
        var sut = _context.Verifier();
        var parts = _token.Split('.');
        var payload = IdentityTestContext.Encode([(byte)'{', 0xC3, 0x28, (byte)'}']);
        var signature = _context.Keys.SigningKey.SignData(Encoding.ASCII.GetBytes($"{parts[0]}.{payload}"), HashAlgorithmName.SHA256);

        var result = sut.Verify($"{parts[0]}.{payload}.{IdentityTestContext.Encode(signature)}", IdentityTestContext.GitServer);

        Assert.Equal("invalid_utf8: the payload is not valid UTF-8", result.Error);
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
    public void Verify_EveryAttack_ErrorQuotesNeitherTokenNorKey()
    {
        var sut = _context.Verifier();
        var parts = _token.Split('.');
        var privateScalar = IdentityTestContext.Encode(_context.Keys.SigningKey.ExportParameters(true).D!);
        string[] attacks =
        [
            $"{parts[0]}.{parts[1]}.{IdentityTestContext.Encode(new byte[64])}",
            _context.Resign(_token, p => p["scope"] = "*:*"),
            _context.Resign(_token, p => p["aud"] = "x"),
            _context.Resign(_token, _ => { }, h => h["kid"] = parts[1]),
            $"{parts[0]}.{parts[1]}.{parts[2][..^2]}AA",
        ];

        foreach (var attack in attacks)
        {
            var result = sut.Verify(attack, IdentityTestContext.GitServer);
            Assert.False(result.IsValid);
            Assert.DoesNotContain(attack.Split('.')[1][..32], result.Error, StringComparison.Ordinal);
            Assert.DoesNotContain(attack.Split('.')[2][..32], result.Error, StringComparison.Ordinal);
            Assert.DoesNotContain(privateScalar, result.Error, StringComparison.Ordinal);
        }
    }

    private Dictionary<string, JsonWebKeySet> TrustBoth(TenantBroker tenantB) => new(StringComparer.Ordinal)
    {
        [BrokerOptions.DefaultIssuer] = _context.Jwks,
        [TenantBroker.Issuer] = tenantB.Jwks,
    };

    private static JsonObject Entry(JsonObject payload, int index) => payload["delegation_chain"]![index]!.AsObject();
}
