using AgentOps.Core;

namespace AgentOps.Identity.Tests;

public sealed class CredentialBrokerTests : IDisposable
{
    private readonly IdentityTestContext _context = new();

    public void Dispose() => _context.Dispose();

    [Fact]
    public void IssueThenExchange_NarrowedScope_VerifiesWithTwoLinkChain()
    {
        var sut = _context.Broker;
        var goal = sut.IssueForGoal(IdentityTestContext.Human, IdentityTestContext.Planner,
            ScopeSet.Parse("git:write:repo/platform-gitops git:read k8s:read"), "provision a database", "goal-42");

        var step = sut.Exchange(goal.Token, IdentityTestContext.GitAgent, IdentityTestContext.GitServer,
            ScopeSet.Parse("git:write:repo/platform-gitops"), "open the pull request");
        var result = _context.Verifier(replayCache: new InMemoryReplayCache(_context.Time))
            .Verify(step.Token, IdentityTestContext.GitServer, Scope.Parse("git:write:repo/platform-gitops"));

        Assert.True(result.IsValid, result.Error);
        var credential = result.Credential!;
        Assert.Equal(IdentityTestContext.GitAgent.Id, credential.Subject);
        Assert.Equal(ScopeSet.Parse("git:write:repo/platform-gitops"), credential.Scope);
        Assert.Equal(2, credential.Chain.Count);
        Assert.Equal((IdentityTestContext.Human, IdentityTestContext.Planner.Id), (credential.Chain[0].Subject, credential.Chain[0].Audience));
        Assert.Equal((IdentityTestContext.Planner.Id, IdentityTestContext.GitAgent.Id), (credential.Chain[1].Subject, credential.Chain[1].Audience));
        Assert.Equal(IdentityTestContext.Planner.Id, credential.DelegatorSubject);
        Assert.Equal(IdentityTestContext.Human, credential.OriginalRequester);
        Assert.Equal("coding", credential.AgentType);
        Assert.Equal("open the pull request", credential.Purpose);
        Assert.Equal("goal-42", credential.ContextId);
        Assert.Equal(step.Jti, credential.Jti);
    }

    [Fact]
    public void IssueForGoal_Always_TokenIsOnlyForTheBroker()
    {
        var sut = _context.GoalToken();

        var atTool = _context.Verifier().Verify(sut.Token, IdentityTestContext.GitServer);
        var atBroker = _context.Verifier().Verify(sut.Token, BrokerOptions.DefaultIssuer);

        Assert.Equal(TokenErrorCodes.WrongAudience, atTool.ErrorCode);
        Assert.True(atBroker.IsValid, atBroker.Error);
        Assert.Equal(IdentityTestContext.Planner.Id, atBroker.Credential!.Subject);
        Assert.Equal(IdentityTestContext.Human, atBroker.Credential.DelegatorSubject);
        Assert.Single(atBroker.Credential.Chain);
    }

    [Fact]
    public void IssueForGoal_ScopeBeyondPlannerCeiling_ThrowsNamingScope()
    {
        var sut = _context.Broker;

        var ex = Assert.Throws<DelegationRefusedException>(() => sut.IssueForGoal(IdentityTestContext.Human,
            IdentityTestContext.Planner, ScopeSet.Parse("git:read k8s:write:ns/payments"), "p", "goal-1"));

        Assert.Contains("k8s:write:ns/payments", ex.Message, StringComparison.Ordinal);
        Assert.Equal(ScopeSet.Parse("k8s:write:ns/payments"), ex.RefusedScopes);
    }

    [Fact]
    public void IssueForGoal_AgentAsHuman_Throws()
    {
        var sut = _context.Broker;

        var ex = Assert.Throws<DelegationRefusedException>(() => sut.IssueForGoal(IdentityTestContext.GitAgent.Id,
            IdentityTestContext.Planner, ScopeSet.Parse("git:read"), "p", "goal-1"));

        Assert.Contains("agent identity", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Exchange_ScopeBeyondSubjectToken_ThrowsNamingScope()
    {
        var sut = _context.Broker;
        var goal = _context.GoalToken("git:write:repo/platform-gitops");

        var ex = Assert.Throws<DelegationRefusedException>(() => sut.Exchange(goal.Token, IdentityTestContext.GitAgent,
            IdentityTestContext.GitServer, ScopeSet.Parse("git:write:repo/platform-gitops git:write:repo/platform-secrets"), "p"));

        Assert.Contains("git:write:repo/platform-secrets", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("git:write:repo/platform-gitops", ex.RefusedScopes.ToString(), StringComparison.Ordinal);
        Assert.Equal(ScopeSet.Parse("git:write:repo/platform-secrets"), ex.RefusedScopes);
    }

    [Fact]
    public void Exchange_ScopeBeyondActorCeiling_ThrowsNamingScope()
    {
        var sut = _context.Broker;
        var goal = _context.GoalToken("git:write:repo/platform-gitops k8s:read");

        var ex = Assert.Throws<DelegationRefusedException>(() => sut.Exchange(goal.Token, IdentityTestContext.GitAgent,
            IdentityTestContext.GitServer, ScopeSet.Parse("git:write:repo/platform-gitops k8s:read"), "p"));

        Assert.Contains("k8s:read", ex.Message, StringComparison.Ordinal);
        Assert.Contains(IdentityTestContext.GitAgent.Id, ex.Message, StringComparison.Ordinal);
        Assert.Equal(ScopeSet.Parse("k8s:read"), ex.RefusedScopes);
    }

    [Fact]
    public void Exchange_ExpiredSubjectToken_Throws()
    {
        var sut = _context.Broker;
        var goal = _context.GoalToken();
        _context.Time.Advance(TimeSpan.FromMinutes(5));

        var ex = Assert.Throws<DelegationRefusedException>(() => sut.Exchange(goal.Token, IdentityTestContext.K8sReader,
            IdentityTestContext.K8sServer, ScopeSet.Parse("k8s:read"), "p"));

        Assert.Contains("expired", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Exchange_LateInSubjectLifetime_ExpiresWithSubject()
    {
        var sut = _context.Broker;
        var goal = _context.GoalToken();
        _context.Time.Advance(TimeSpan.FromMinutes(3));

        var step = sut.Exchange(goal.Token, IdentityTestContext.K8sReader, IdentityTestContext.K8sServer, ScopeSet.Parse("k8s:read"), "p");

        Assert.Equal(goal.ExpiresAt, step.ExpiresAt);
        Assert.Equal(goal.ExpiresAt.ToUnixTimeSeconds(), (long)IdentityTestContext.Payload(step.Token)["exp"]!);
    }

    [Fact]
    public void Exchange_TokenForAToolServer_CannotBeExchangedAgain()
    {
        var sut = _context.Broker;
        var step = _context.GitStepToken();

        var ex = Assert.Throws<DelegationRefusedException>(() => sut.Exchange(step.Token, IdentityTestContext.GitAgent,
            IdentityTestContext.GitServer, ScopeSet.Parse("git:write:repo/platform-gitops"), "p"));

        Assert.Contains(TokenErrorCodes.WrongAudience, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Exchange_ChainWouldExceedMaxDepth_Throws()
    {
        using var context = new IdentityTestContext(new BrokerOptions { MaxChainDepth = 2 });
        var sut = context.Broker;
        var goal = context.GoalToken("git:read");
        var middle = sut.Exchange(goal.Token, IdentityTestContext.GitAgent, BrokerOptions.DefaultIssuer, ScopeSet.Parse("git:read"), "delegate");

        var ex = Assert.Throws<DelegationRefusedException>(() => sut.Exchange(middle.Token, IdentityTestContext.GitAgent,
            IdentityTestContext.GitServer, ScopeSet.Parse("git:read"), "p"));

        Assert.Equal(2, middle.Chain.Count);
        Assert.Contains("3 hops", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Exchange_Always_WritesExpectedHeaderAndDelegationClaims()
    {
        var sut = _context.GitStepToken();

        var header = IdentityTestContext.HeaderText(sut.Token);
        var payload = IdentityTestContext.Payload(sut.Token);

        Assert.Equal($$"""{"alg":"ES256","typ":"at+jwt","kid":"{{_context.Keys.KeyId}}"}""", header);
        Assert.Equal(IdentityTestContext.GitAgent.Id, (string?)payload["sub"]);
        Assert.Equal(IdentityTestContext.GitServer, (string?)payload["aud"]);
        Assert.Equal(IdentityTestContext.Planner.Id, (string?)payload["delegator_sub"]);
        Assert.Equal(IdentityTestContext.Planner.Id, (string?)payload["act"]!["sub"]);
        Assert.Equal(IdentityTestContext.Human, (string?)payload["act"]!["act"]!["sub"]);
        Assert.Null(payload["act"]!["act"]!["act"]);
        Assert.Equal(300, (long)payload["delegation_constraints"]!["max_duration"]!);
        Assert.Equal(300, (long)payload["exp"]! - (long)payload["iat"]!);
        Assert.Equal("claude-sonnet", (string?)payload["agent_model"]);
        Assert.Equal("anthropic", (string?)payload["agent_provider"]);
        Assert.True(Guid.TryParse((string?)payload["agent_instance_id"], out _));
        var chain = payload["delegation_chain"]!.AsArray();
        Assert.Equal(2, chain.Count);
        // Hop ids are rooted in the goal hop's 22-character id: "<root>.<hop>".
        var root = (string)chain[0]!["jti"]!;
        Assert.Equal(22, root.Length);
        Assert.Equal($"{root}.", ((string?)payload["jti"])![..23]);
        Assert.Equal(45, ((string?)payload["jti"])!.Length);
        Assert.Equal((string?)payload["jti"], (string?)chain[1]!["jti"]);
        Assert.Equal(300, (long)chain[0]!["constraints"]!["max_duration"]!);
        Assert.Equal(300, (long)chain[1]!["constraints"]!["max_duration"]!);
    }

    [Fact]
    public void Constructor_LifetimeAboveFifteenMinutes_Throws()
    {
        var options = new BrokerOptions { TokenLifetime = TimeSpan.FromMinutes(16) };

        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new CredentialBroker(_context.Keys, _context.Time, options));

        Assert.Equal(nameof(BrokerOptions.TokenLifetime), ex.ParamName);
    }

    [Fact]
    public void IssueForGoal_TwoTokens_HaveDistinctJti()
    {
        var first = _context.GoalToken();

        var sut = _context.GoalToken();

        Assert.NotEqual(first.Jti, sut.Jti);
        Assert.Equal(sut.Jti, (string?)IdentityTestContext.Payload(sut.Token)["jti"]);
    }
}
