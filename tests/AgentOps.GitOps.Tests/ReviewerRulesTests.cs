namespace AgentOps.GitOps.Tests;

public sealed class ReviewerRulesTests
{
    private const string Requester = "alice@example.com";
    private const string Author = "spiffe://agentops.local/agent/infra-provisioner";

    [Theory]
    [InlineData("spiffe://agentops.local/agent/infra-provisioner", true)]
    [InlineData("SPIFFE://agentops.local/agent/x", true)]
    [InlineData("agent:planner", true)]
    [InlineData("Agent:planner", true)]
    [InlineData("bob@example.com", false)]
    [InlineData("spiffe-fan@example.com", false)]
    [InlineData("https://agentops.local/agent/x", true)] // any URI is a workload identity, never a human reviewer
    public void IsAgent_Subject_DetectsAgentIdentities(string subject, bool expected)
    {
        Assert.Equal(expected, ReviewerRules.IsAgent(subject));
    }

    [Fact]
    public void EnsureMayApprove_AnotherHuman_DoesNotThrow()
    {
        var error = Record.Exception(() => ReviewerRules.EnsureMayApprove("bob@example.com", Requester, Author));

        Assert.Null(error);
    }

    [Theory]
    [InlineData("alice@example.com")]
    [InlineData("Alice@Example.COM")]
    public void EnsureMayApprove_Requester_RefusesSelfApproval(string reviewer)
    {
        var error = Assert.Throws<ForgeRuleException>(() => ReviewerRules.EnsureMayApprove(reviewer, Requester, Author));

        Assert.Equal("forge.review.no-self-approval", error.Rule);
    }

    [Fact]
    public void EnsureMayApprove_HumanAuthor_RefusesSelfApproval()
    {
        var error = Assert.Throws<ForgeRuleException>(() => ReviewerRules.EnsureMayApprove("carol@example.com", Requester, "carol@example.com"));

        Assert.Equal("forge.review.no-self-approval", error.Rule);
        Assert.Contains("authored", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("spiffe://agentops.local/agent/infra-provisioner")]
    [InlineData("spiffe://agentops.local/agent/planner")]
    [InlineData("agent:reviewer-bot")]
    public void EnsureMayApprove_AgentIdentity_RefusesAgentApproval(string reviewer)
    {
        var error = Assert.Throws<ForgeRuleException>(() => ReviewerRules.EnsureMayApprove(reviewer, Requester, Author));

        Assert.Equal("forge.review.no-agent-approval", error.Rule);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void EnsureMayApprove_BlankReviewer_ThrowsArgumentException(string reviewer)
    {
        Assert.ThrowsAny<ArgumentException>(() => ReviewerRules.EnsureMayApprove(reviewer, Requester, Author));
    }

    [Fact]
    public void EnsureMayApprove_AgentIdentityWithLeadingWhitespace_RefusesAgentApproval()
    {
        var error = Assert.Throws<ForgeRuleException>(() =>
            ReviewerRules.EnsureMayApprove(" spiffe://agentops.local/agent/planner", Requester, Author));

        Assert.Equal("forge.review.no-agent-approval", error.Rule);
    }

    [Fact]
    public void EnsureMayApprove_RequesterWithSurroundingWhitespace_RefusesSelfApproval()
    {
        var error = Assert.Throws<ForgeRuleException>(() => ReviewerRules.EnsureMayApprove("alice@example.com ", Requester, Author));

        Assert.Equal("forge.review.no-self-approval", error.Rule);
    }
}
