namespace AgentOps.Identity.Tests;

/// <summary>One case per SPIFFE ID rule, each asserting the rule named in the refusal.</summary>
public sealed class SpiffeIdTests
{
    [Theory]
    [InlineData("spiffe://agentops.local/agent/infra-provisioner")]
    [InlineData("spiffe://agentops.local/tool/git")]
    [InlineData("spiffe://agentops.local")]
    [InlineData("spiffe://a-b_c.9/Path.With-All_Allowed.Chars9")]
    public void ValidateSpiffeId_Valid_ReturnsNull(string id)
    {
        Assert.Null(Subjects.ValidateSpiffeId(id));
        Assert.True(Subjects.IsValidSpiffeId(id));
    }

    [Theory]
    [InlineData("", "it is empty")]
    [InlineData("https://agentops.local/agent/x", "the scheme must be 'spiffe://' in lower case")]
    [InlineData("SPIFFE://agentops.local/agent/x", "the scheme must be 'spiffe://' in lower case")]
    [InlineData("spiffe:agentops.local/agent/x", "the scheme must be 'spiffe://' in lower case")]
    [InlineData("spiffe:///agent/x", "the trust domain is empty")]
    [InlineData("spiffe://Agentops.local/agent/x", "the trust domain must be lower case")]
    [InlineData("spiffe://agent ops.local/agent/x", "the trust domain has 'U+0020'; only a-z, 0-9, '.', '-' and '_' are allowed")]
    [InlineData("spiffe://agentops%2elocal/agent/x", "the trust domain has '%'; only a-z, 0-9, '.', '-' and '_' are allowed")]
    [InlineData("spiffe://agentops.local:8443/agent/x", "the trust domain has a port; SPIFFE IDs carry none")]
    [InlineData("spiffe://user@agentops.local/agent/x", "the trust domain has userinfo; SPIFFE IDs carry none")]
    [InlineData("spiffe://agentops.local/agent/x?y=1", "a SPIFFE ID has no query")]
    [InlineData("spiffe://agentops.local/agent/x#frag", "a SPIFFE ID has no fragment")]
    [InlineData("spiffe://agentops.local//x", "path segment 1 is empty")]
    [InlineData("spiffe://agentops.local/agent/", "the path has a trailing '/'")]
    [InlineData("spiffe://agentops.local/", "the path has a trailing '/'")]
    [InlineData("spiffe://agentops.local/agent/./x", "path segment 2 is '.'; relative segments are not allowed")]
    [InlineData("spiffe://agentops.local/agent/../broker", "path segment 2 is '..'; relative segments are not allowed")]
    [InlineData("spiffe://agentops.local/agent/x%41", "path segment 2 has '%'; only A-Z, a-z, 0-9, '.', '-' and '_' are allowed")]
    [InlineData("spiffe://agentops.local/agent/é", "path segment 2 has 'é'; only A-Z, a-z, 0-9, '.', '-' and '_' are allowed")]
    public void ValidateSpiffeId_BreaksRule_NamesTheRule(string id, string expected)
    {
        Assert.Equal(expected, Subjects.ValidateSpiffeId(id));
        Assert.False(Subjects.IsValidSpiffeId(id));
    }

    [Fact]
    public void ValidateSpiffeId_TrustDomainOf255_ValidAnd256_Refused()
    {
        var at255 = "spiffe://" + new string('a', 255) + "/x";
        var at256 = "spiffe://" + new string('a', 256) + "/x";

        Assert.Null(Subjects.ValidateSpiffeId(at255));
        Assert.Equal("the trust domain is 256 bytes; at most 255 are allowed", Subjects.ValidateSpiffeId(at256));
    }

    [Fact]
    public void ValidateSpiffeId_IdOf2048_ValidAnd2049_Refused()
    {
        var prefix = "spiffe://agentops.local/";
        var at2048 = prefix + new string('p', 2048 - prefix.Length);
        var at2049 = prefix + new string('p', 2049 - prefix.Length);

        Assert.Null(Subjects.ValidateSpiffeId(at2048));
        Assert.Equal("it is 2049 bytes; a SPIFFE ID is at most 2048", Subjects.ValidateSpiffeId(at2049));
    }

    [Theory]
    [InlineData("spiffe://agentops.local/agent/x", "agentops.local")]
    [InlineData("spiffe://tenant-b.local", "tenant-b.local")]
    [InlineData("alice@example.com", null)]
    [InlineData("spiffe://Bad/agent", null)]
    public void TrustDomainOf_Ids_ReturnsDomainOrNull(string id, string? expected)
    {
        Assert.Equal(expected, Subjects.TrustDomainOf(id));
    }

    [Fact]
    public void Verify_SubjectNotASpiffeId_InvalidSubject()
    {
        using var context = new IdentityTestContext();
        var token = context.Resign(context.GitStepToken().Token, p =>
        {
            p["sub"] = "spiffe://agentops.local/agent/../broker";
            p["delegation_chain"]![1]!["aud"] = "spiffe://agentops.local/agent/../broker";
        });

        var result = context.Verifier().Verify(token, IdentityTestContext.GitServer);

        Assert.Equal("invalid_subject: sub must be the agent's SPIFFE ID, but path segment 2 is '..'; relative segments are not allowed", result.Error);
    }
}
