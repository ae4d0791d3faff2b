using AgentOps.Core;

namespace AgentOps.Identity.Tests;

/// <summary>
/// The verified-token cache may skip only what a token's bytes prove; audience, time, scope, revocation and single
/// use are checked again on every hit.
/// </summary>
public sealed class VerifiedTokenCacheTests : IDisposable
{
    private readonly IdentityTestContext _context = new();

    public void Dispose() => _context.Dispose();

    [Fact]
    public void Verify_ValidToken_CachedOnceAndServedAgain()
    {
        var sut = _context.Verifier();
        var token = _context.GitStepToken().Token;

        Assert.True(sut.Verify(token, IdentityTestContext.GitServer).IsValid);
        var second = sut.Verify(token, IdentityTestContext.GitServer);

        Assert.True(second.IsValid, second.Error);
        Assert.Equal(1, sut.CachedTokenCount);
    }

    [Fact]
    public void Verify_RefusedToken_NotCached()
    {
        var sut = _context.Verifier();
        var token = _context.Resign(_context.GitStepToken().Token, p => p["scope"] = "git:write:repo/*");

        Assert.False(sut.Verify(token, IdentityTestContext.GitServer).IsValid);

        Assert.Equal(0, sut.CachedTokenCount);
    }

    [Fact]
    public void Verify_CacheCapacityZero_NothingCached()
    {
        var sut = _context.Verifier(new VerifierOptions { VerifiedCacheCapacity = 0 });

        Assert.True(sut.Verify(_context.GitStepToken().Token, IdentityTestContext.GitServer).IsValid);

        Assert.Equal(0, sut.CachedTokenCount);
    }

    [Fact]
    public void Verify_RevokedAfterCached_Revoked()
    {
        var revocations = new InMemoryRevocationList(_context.Time);
        var sut = _context.Verifier(revocations: revocations);
        var step = _context.GitStepToken();
        Assert.True(sut.Verify(step.Token, IdentityTestContext.GitServer).IsValid);

        revocations.RevokeAgent(IdentityTestContext.GitAgent.Id, "credentials leaked");
        var result = sut.Verify(step.Token, IdentityTestContext.GitServer);

        Assert.Equal(TokenErrorCodes.Revoked, result.ErrorCode);
        Assert.Contains("credentials leaked", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_CachedWithReplayCache_SecondUseReplayed()
    {
        var sut = _context.Verifier(replayCache: new InMemoryReplayCache(_context.Time));
        var token = _context.GitStepToken().Token;
        Assert.True(sut.Verify(token, IdentityTestContext.GitServer).IsValid);

        var result = sut.Verify(token, IdentityTestContext.GitServer);

        Assert.Equal(TokenErrorCodes.Replayed, result.ErrorCode);
    }

    [Fact]
    public void Verify_CachedThenExpired_Expired()
    {
        var sut = _context.Verifier();
        var token = _context.GitStepToken().Token;
        Assert.True(sut.Verify(token, IdentityTestContext.GitServer).IsValid);

        _context.Time.Advance(TimeSpan.FromMinutes(6) + TimeSpan.FromSeconds(1));
        var result = sut.Verify(token, IdentityTestContext.GitServer);

        Assert.Equal(TokenErrorCodes.Expired, result.ErrorCode);
    }

    [Fact]
    public void Verify_CachedAtOneServerPresentedAtAnother_WrongAudience()
    {
        var sut = _context.Verifier();
        var token = _context.GitStepToken().Token;
        Assert.True(sut.Verify(token, IdentityTestContext.GitServer).IsValid);

        var result = sut.Verify(token, IdentityTestContext.K8sServer);

        Assert.Equal(TokenErrorCodes.WrongAudience, result.ErrorCode);
    }

    [Fact]
    public void Verify_CachedThenCallNeedsMoreScope_InsufficientScope()
    {
        var sut = _context.Verifier();
        var token = _context.GitStepToken().Token;
        Assert.True(sut.Verify(token, IdentityTestContext.GitServer, Scope.Parse("git:write:repo/platform-gitops")).IsValid);

        var result = sut.Verify(token, IdentityTestContext.GitServer, Scope.Parse("git:write:repo/platform-secrets"));

        Assert.Equal(TokenErrorCodes.InsufficientScope, result.ErrorCode);
    }

    [Fact]
    public void Verify_KnownSignatureOnEditedPayload_NotACacheHit()
    {
        var sut = _context.Verifier();
        var token = _context.GitStepToken().Token;
        Assert.True(sut.Verify(token, IdentityTestContext.GitServer).IsValid);
        var parts = token.Split('.');
        var payload = IdentityTestContext.Payload(token);
        payload["scope"] = "git:write:repo/*";
        var forged = $"{parts[0]}.{IdentityTestContext.Encode(payload.ToJsonString())}.{parts[2]}";

        var result = sut.Verify(forged, IdentityTestContext.GitServer);

        Assert.Equal(TokenErrorCodes.InvalidSignature, result.ErrorCode);
    }

    [Fact]
    public void Add_Full_EvictsExpiredAndSkipsWhenStillFull()
    {
        var sut = new VerifiedTokenCache(capacity: 2);
        var now = _context.Time.GetUtcNow();
        var claims = TokenClaimsFor("a");
        sut.Add("h.p.sig1", claims, [], now.AddSeconds(10), now);
        sut.Add("h.p.sig2", claims, [], now.AddSeconds(100), now);

        sut.Add("h.p.sig3", claims, [], now.AddSeconds(100), now);
        Assert.Equal(2, sut.Count);
        Assert.Null(sut.TryGet("h.p.sig3", now));

        var later = now.AddSeconds(20);
        sut.Add("h.p.sig3", claims, [], later.AddSeconds(100), later);
        Assert.NotNull(sut.TryGet("h.p.sig3", later));
        Assert.Null(sut.TryGet("h.p.sig1", later));
        Assert.NotNull(sut.TryGet("h.p.sig2", later));
    }

    private static TokenClaims TokenClaimsFor(string jti) => new(
        "iss", "sub", "aud", DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, jti, ScopeSet.Empty,
        "autonomous", "delegator", null, null, null);
}
