namespace AgentOps.Identity.Tests;

public sealed class SubjectsTests
{
    [Theory]
    [InlineData("spiffe://agentops.local/agent/infra-provisioner", true)]
    [InlineData("SPIFFE://agentops.local/agent/x", true)]
    [InlineData("  spiffe://agentops.local/agent/x", true)]
    [InlineData("spiffe://", true)]
    [InlineData("alice@example.com", false)]
    [InlineData("github:alice", false)]
    [InlineData("https://agentops.local/spiffe://x", false)]
    public void IsAgentSubject_Subjects_MatchExpected(string subject, bool expected)
    {
        var sut = Subjects.IsAgentSubject(subject);

        Assert.Equal(expected, sut);
    }

    [Theory]
    [InlineData("spiffe://agentops.local/agent/infra-provisioner", true)]
    [InlineData("spiffe://agentops.local", true)]
    [InlineData("spiffe://Agentops.local/agent/x", false)]
    [InlineData("spiffe://agentops.local/agent/", false)]
    [InlineData("spiffe://agentops.local//x", false)]
    [InlineData("spiffe://agentops.local/agent/../broker", false)]
    [InlineData("spiffe://agentops.local:8443/agent/x", false)]
    [InlineData("spiffe://agentops.local/agent/x?y=1", false)]
    [InlineData("spiffe://user@agentops.local/agent/x", false)]
    [InlineData("http://agentops.local/agent/x", false)]
    [InlineData("spiffe:///agent/x", false)]
    public void IsValidSpiffeId_Ids_MatchExpected(string id, bool expected)
    {
        var sut = Subjects.IsValidSpiffeId(id);

        Assert.Equal(expected, sut);
    }
}
