using AgentOps.Core;

namespace AgentOps.Identity.Tests;

public sealed class DelegatedTokenVerifierTests : IDisposable
{
    private readonly IdentityTestContext _context = new();

    public void Dispose() => _context.Dispose();

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void Verify_NoToken_MissingToken(string? token)
    {
        var sut = _context.Verifier();

        var result = sut.Verify(token, IdentityTestContext.GitServer);

        Assert.False(result.IsValid);
        Assert.Equal("missing_token: no delegated credential was presented", result.Error);
        Assert.Null(result.Credential);
    }

    [Fact]
    public void Verify_PastExpiryPlusSkew_Expired()
    {
        var sut = _context.Verifier();
        var step = _context.GitStepToken();
        _context.Time.Advance(TimeSpan.FromMinutes(6) + TimeSpan.FromSeconds(1));

        var result = sut.Verify(step.Token, IdentityTestContext.GitServer);

        Assert.Equal(TokenErrorCodes.Expired, result.ErrorCode);
        Assert.StartsWith("expired: token expired at 2025-06-02T09:35:00", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_PastExpiryWithinSkew_Valid()
    {
        var sut = _context.Verifier();
        var step = _context.GitStepToken();
        _context.Time.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(59));

        var result = sut.Verify(step.Token, IdentityTestContext.GitServer);

        Assert.True(result.IsValid, result.Error);
    }

    [Fact]
    public void Verify_OtherServer_WrongAudience()
    {
        var sut = _context.Verifier();
        var step = _context.GitStepToken();

        var result = sut.Verify(step.Token, IdentityTestContext.K8sServer);

        Assert.Equal($"wrong_audience: token is for {IdentityTestContext.GitServer}, this server is {IdentityTestContext.K8sServer}", result.Error);
    }

    [Fact]
    public void Verify_ScopeForOtherNamespace_InsufficientScope()
    {
        var sut = _context.Verifier();
        var goal = _context.GoalToken("k8s:read");
        var step = _context.Broker.Exchange(goal.Token, IdentityTestContext.K8sReader, IdentityTestContext.K8sServer,
            ScopeSet.Parse("k8s:read:ns/payments"), "inspect payments");

        var result = sut.Verify(step.Token, IdentityTestContext.K8sServer, Scope.Parse("k8s:read:ns/billing"));

        Assert.Equal("insufficient_scope: token scope 'k8s:read:ns/payments' does not cover 'k8s:read:ns/billing'", result.Error);
    }

    [Fact]
    public void Verify_SecondUse_Replayed()
    {
        var sut = _context.Verifier(replayCache: new InMemoryReplayCache(_context.Time));
        var step = _context.GitStepToken();
        var first = sut.Verify(step.Token, IdentityTestContext.GitServer);

        var second = sut.Verify(step.Token, IdentityTestContext.GitServer);

        Assert.True(first.IsValid, first.Error);
        Assert.Equal(TokenErrorCodes.Replayed, second.ErrorCode);
        Assert.Contains(step.Jti, second.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_RejectedTokenThenValidUse_JtiNotConsumed()
    {
        var sut = _context.Verifier(replayCache: new InMemoryReplayCache(_context.Time));
        var step = _context.GitStepToken();
        var refused = sut.Verify(step.Token, IdentityTestContext.GitServer, Scope.Parse("git:admin"));

        var result = sut.Verify(step.Token, IdentityTestContext.GitServer);

        Assert.Equal(TokenErrorCodes.InsufficientScope, refused.ErrorCode);
        Assert.True(result.IsValid, result.Error);
    }

    [Fact]
    public void Verify_NoReplayCache_SecondUseValid()
    {
        var sut = _context.Verifier(replayCache: null);
        var step = _context.GitStepToken();
        sut.Verify(step.Token, IdentityTestContext.GitServer);

        var result = sut.Verify(step.Token, IdentityTestContext.GitServer);

        Assert.True(result.IsValid, result.Error);
    }

    [Fact]
    public void Verify_UntrustedIssuer_WrongIssuer()
    {
        var sut = _context.Verifier(new VerifierOptions { Issuer = "spiffe://other.example/broker" });
        var step = _context.GitStepToken();

        var result = sut.Verify(step.Token, IdentityTestContext.GitServer);

        Assert.Equal(TokenErrorCodes.WrongIssuer, result.ErrorCode);
    }

    [Fact]
    public void Verify_NotBeforeInFuture_NotYetValid()
    {
        var sut = _context.Verifier();
        var token = _context.Resign(_context.GitStepToken().Token, p => p["nbf"] = (long)p["nbf"]! + 120);

        var result = sut.Verify(token, IdentityTestContext.GitServer);

        Assert.Equal(TokenErrorCodes.NotYetValid, result.ErrorCode);
    }

    [Fact]
    public void Verify_IssuedInFuture_IssuedInFuture()
    {
        var sut = _context.Verifier();
        var token = _context.Resign(_context.GitStepToken().Token, p => p["iat"] = (long)p["iat"]! + 120);

        var result = sut.Verify(token, IdentityTestContext.GitServer);

        Assert.Equal(TokenErrorCodes.IssuedInFuture, result.ErrorCode);
        Assert.Contains("future", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_LifetimeOfOneDay_ExcessiveLifetime()
    {
        var sut = _context.Verifier();
        var token = _context.Resign(_context.GitStepToken().Token, p =>
        {
            p["exp"] = (long)p["iat"]! + 86_400;
            p.Remove("delegation_constraints");
        });

        var result = sut.Verify(token, IdentityTestContext.GitServer);

        Assert.Equal(TokenErrorCodes.ExcessiveLifetime, result.ErrorCode);
    }

    [Fact]
    public void Verify_LifetimeBeyondMaxDuration_ConstraintViolated()
    {
        var sut = _context.Verifier();
        var token = _context.Resign(_context.GitStepToken().Token, p => p["delegation_constraints"]!["max_duration"] = 60);

        var result = sut.Verify(token, IdentityTestContext.GitServer);

        Assert.Equal(TokenErrorCodes.ConstraintViolated, result.ErrorCode);
    }

    [Fact]
    public void Verify_UnknownConstraint_Malformed()
    {
        var sut = _context.Verifier();
        var token = _context.Resign(_context.GitStepToken().Token, p => p["delegation_constraints"]!["allowed_resources"] = "x");

        var result = sut.Verify(token, IdentityTestContext.GitServer);

        Assert.Equal(TokenErrorCodes.Malformed, result.ErrorCode);
        Assert.Contains("allowed_resources", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("agent_type")]
    [InlineData("agent_instance_id")]
    [InlineData("delegator_sub")]
    [InlineData("jti")]
    [InlineData("exp")]
    public void Verify_RequiredClaimMissing_MissingClaim(string claim)
    {
        var sut = _context.Verifier();
        var token = _context.Resign(_context.GitStepToken().Token, p => p.Remove(claim));

        var result = sut.Verify(token, IdentityTestContext.GitServer);

        Assert.Equal($"missing_claim: claim '{claim}' is missing", result.Error);
    }

    [Fact]
    public void Verify_AudienceArray_MultipleAudiences()
    {
        var sut = _context.Verifier();
        var token = _context.Resign(_context.GitStepToken().Token,
            p => p["aud"] = new System.Text.Json.Nodes.JsonArray(IdentityTestContext.GitServer, IdentityTestContext.K8sServer));

        var result = sut.Verify(token, IdentityTestContext.GitServer);

        Assert.Equal(TokenErrorCodes.MultipleAudiences, result.ErrorCode);
        Assert.Contains("'aud'", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_ConcurrentCallsSharingOneKey_AllValid()
    {
        var sut = _context.Verifier(replayCache: new InMemoryReplayCache(_context.Time));
        var tokens = Enumerable.Range(0, 200).Select(_ => _context.GitStepToken().Token).ToArray();
        var valid = 0;

        Parallel.ForEach(tokens, token =>
        {
            if (sut.Verify(token, IdentityTestContext.GitServer).IsValid)
            {
                Interlocked.Increment(ref valid);
            }
        });

        Assert.Equal(tokens.Length, valid);
    }

    [Fact]
    public void Constructor_SkewAboveSixtySeconds_Throws()
    {
        var options = new VerifierOptions { ClockSkew = TimeSpan.FromSeconds(61) };

        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => _context.Verifier(options));

        Assert.Equal(nameof(VerifierOptions.ClockSkew), ex.ParamName);
    }
}
