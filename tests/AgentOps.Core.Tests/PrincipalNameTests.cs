namespace AgentOps.Core.Tests;

public sealed class PrincipalNameTests
{
    [Theory]
    [InlineData("developer@example.com\u200B")]
    [InlineData(" Developer@Example.com ")]
    [InlineData("\uFF44\uFF45\uFF56\uFF45\uFF4C\uFF4F\uFF50\uFF45\uFF52@example.com")]
    [InlineData("user:developer@example.com")]
    public void Same_LookAlikeOfRequester_IsTheSamePerson(string lookAlike)
    {
        Assert.True(PrincipalName.Same(lookAlike, "developer@example.com"));
    }

    [Theory]
    [InlineData("spiffe://agentops.local/agent/planner")]
    [InlineData("\u200Bspiffe://agentops.local/agent/planner")]
    [InlineData("\uFF53\uFF50\uFF49\uFF46\uFF46\uFF45://agentops.local/agent/planner")]
    [InlineData("spiffe:/agentops.local/agent/planner")]
    [InlineData("agent:planner")]
    [InlineData("agentops/infra-provisioner")]
    [InlineData("infra-provisioner@agents.agentops.local")]
    public void IsAgent_AgentNamesAndLookAlikes_True(string name)
    {
        Assert.True(PrincipalName.IsAgent(name));
        Assert.False(PrincipalName.IsWellFormedHuman(name));
    }

    [Theory]
    [InlineData("developer@ex\u0430mple.com", false)]
    [InlineData("bob smith", false)]
    [InlineData("", false)]
    [InlineData("bob@example.com", true)]
    [InlineData("carol", true)]
    public void IsWellFormedHuman_Names_MatchExpected(string name, bool expected)
    {
        Assert.Equal(expected, PrincipalName.IsWellFormedHuman(name));
    }
}
