using System.Text.Json.Nodes;

namespace AgentOps.Identity.Tests;

/// <summary>Chains the broker would never sign, signed with its key anyway, to prove the verifier checks every hop.</summary>
public sealed class DelegationChainTests : IDisposable
{
    private readonly IdentityTestContext _context = new();
    private readonly string _token;

    public DelegationChainTests() => _token = _context.GitStepToken().Token;

    public void Dispose() => _context.Dispose();

    [Fact]
    public void Verify_SecondHopWidensScope_ScopeWidened()
    {
        var sut = _context.Verifier();
        var token = Edit(p =>
        {
            Entry(p, 0)["scope"] = "git:read";
            Entry(p, 1)["scope"] = "git:write:repo/platform-gitops";
        });

        var result = sut.Verify(token, IdentityTestContext.GitServer);

        Assert.Equal("scope_widened: entry 1 widens scope: 'git:write:repo/platform-gitops' is not within 'git:read'", result.Error);
    }

    [Fact]
    public void Verify_TokenScopeWiderThanLastHop_ScopeWidened()
    {
        var sut = _context.Verifier();
        var token = Edit(p => p["scope"] = "git:write:repo/platform-gitops git:read");

        var result = sut.Verify(token, IdentityTestContext.GitServer);

        Assert.Equal(TokenErrorCodes.ScopeWidened, result.ErrorCode);
        Assert.Contains("token scope widens the last delegation: 'git:read'", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_BrokenAudSubLinkage_ChainBroken()
    {
        var sut = _context.Verifier();
        var token = Edit(p => Entry(p, 0)["aud"] = "spiffe://agentops.local/agent/someone-else");

        var result = sut.Verify(token, IdentityTestContext.GitServer);

        Assert.Equal(
            $"chain_broken: entry 0 delegates to 'spiffe://agentops.local/agent/someone-else' but entry 1 is delegated by '{IdentityTestContext.Planner.Id}'",
            result.Error);
    }

    [Fact]
    public void Verify_LastHopNotToTokenSubject_ChainBroken()
    {
        var sut = _context.Verifier();
        var token = Edit(p => p["sub"] = IdentityTestContext.K8sReader.Id);

        var result = sut.Verify(token, IdentityTestContext.GitServer);

        Assert.Equal(TokenErrorCodes.ChainBroken, result.ErrorCode);
        Assert.Contains("the token subject is", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_DelegatorSubNotLastDelegator_ChainBroken()
    {
        var sut = _context.Verifier();
        var token = Edit(p => p["delegator_sub"] = IdentityTestContext.Human);

        var result = sut.Verify(token, IdentityTestContext.GitServer);

        Assert.Equal(TokenErrorCodes.ChainBroken, result.ErrorCode);
        Assert.Contains("delegator_sub", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_EntriesOutOfOrder_ChainOutOfOrder()
    {
        var sut = _context.Verifier();
        var token = Edit(p => Entry(p, 0)["delegated_at"] = (long)Entry(p, 1)["delegated_at"]! + 1);

        var result = sut.Verify(token, IdentityTestContext.GitServer);

        Assert.Equal(TokenErrorCodes.ChainOutOfOrder, result.ErrorCode);
        Assert.Contains("before entry 0", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_EntryFromUntrustedIssuer_WrongIssuer()
    {
        var sut = _context.Verifier();
        var token = Edit(p => Entry(p, 0)["iss"] = "https://idp.attacker.example");

        var result = sut.Verify(token, IdentityTestContext.GitServer);

        Assert.Equal("wrong_issuer: entry 0 was recorded by 'https://idp.attacker.example', not by the token's issuer 'spiffe://agentops.local/broker'", result.Error);
    }

    [Fact]
    public void Verify_ChainLongerThanMaxDepth_ChainTooDeep()
    {
        var sut = _context.Verifier(new VerifierOptions { MaxChainDepth = 1 });

        var result = sut.Verify(_token, IdentityTestContext.GitServer);

        Assert.Equal("chain_too_deep: the chain has 2 hops; at most 1 are allowed", result.Error);
    }

    [Theory]
    [InlineData("missing")]
    [InlineData("empty")]
    [InlineData("object")]
    public void Verify_ChainAbsentOrNotAList_InvalidChain(string shape)
    {
        var sut = _context.Verifier();
        var token = Edit(p =>
        {
            switch (shape)
            {
                case "missing":
                    p.Remove("delegation_chain");
                    break;
                case "empty":
                    p["delegation_chain"] = new JsonArray();
                    break;
                default:
                    p["delegation_chain"] = new JsonObject();
                    break;
            }
        });

        var result = sut.Verify(token, IdentityTestContext.GitServer);

        Assert.Equal(TokenErrorCodes.InvalidChain, result.ErrorCode);
        Assert.Contains("delegation_chain", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_EntryMissingScope_InvalidChain()
    {
        var sut = _context.Verifier();
        var token = Edit(p => Entry(p, 1).Remove("scope"));

        var result = sut.Verify(token, IdentityTestContext.GitServer);

        Assert.Equal("invalid_chain: entry 1 member 'scope' is missing", result.Error);
    }

    [Fact]
    public void Verify_EntryWithUnenforceableConstraints_InvalidChain()
    {
        var sut = _context.Verifier();
        var token = Edit(p => Entry(p, 1)["constraints"] = new JsonObject { ["allowed_resources"] = new JsonArray("x") });

        var result = sut.Verify(token, IdentityTestContext.GitServer);

        Assert.Equal("invalid_chain: entry 1 constraint 'allowed_resources' is not supported by this verifier", result.Error);
    }

    [Fact]
    public void Verify_EntryMissingJti_InvalidChain()
    {
        var sut = _context.Verifier();
        var token = Edit(p => Entry(p, 0).Remove("jti"));

        var result = sut.Verify(token, IdentityTestContext.GitServer);

        Assert.Equal("invalid_chain: entry 0 member 'jti' is missing", result.Error);
    }

    [Fact]
    public void Verify_TokenOutlivesFirstHopDelegation_ConstraintViolated()
    {
        var sut = _context.Verifier();
        // Every hop keeps max_duration, but the token's exp is pushed past the first delegation's end.
        var token = Edit(p =>
        {
            Entry(p, 0)["constraints"] = new JsonObject { ["max_duration"] = 60 };
            Entry(p, 1)["constraints"] = new JsonObject { ["max_duration"] = 60 };
            p["delegation_constraints"] = new JsonObject { ["max_duration"] = 60 };
            p["exp"] = (long)p["iat"]! + 60;
            Entry(p, 0)["delegated_at"] = (long)p["iat"]! - 30;
        });

        var result = sut.Verify(token, IdentityTestContext.GitServer);

        Assert.Equal(TokenErrorCodes.ConstraintViolated, result.ErrorCode);
        Assert.Contains("entry 0", result.Error, StringComparison.Ordinal);
    }

    private string Edit(Action<JsonObject> edit) => _context.Resign(_token, edit);

    private static JsonObject Entry(JsonObject payload, int index) => payload["delegation_chain"]![index]!.AsObject();
}
