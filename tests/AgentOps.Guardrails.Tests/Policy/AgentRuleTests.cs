using AgentOps.Guardrails.Policy;

namespace AgentOps.Guardrails.Tests.Policy;

public sealed class AgentRuleTests
{
    [Theory]
    [InlineData("git", "push", true)]
    [InlineData("git", "pushx", false)]
    [InlineData("gi", "t/push", false)]
    [InlineData("git", "pus", false)]
    [InlineData("argocd", "sync", true)]
    [InlineData("argocd", "anything", true)]
    [InlineData("argocdx", "sync", false)]
    [InlineData("kubectl", "get", false)]
    public void AllowsTool_ComparesWholeServerAndTool(string server, string tool, bool allowed)
    {
        var rule = new AgentRule("planner", ["git/push", "argocd/*"], null, 1);
        Assert.Equal(allowed, rule.AllowsTool(server, tool));
    }

    [Theory]
    [InlineData("git", "write", true)]
    [InlineData("git", "writes", false)]
    [InlineData("kubectl", "read", true)]
    [InlineData("prometheus", "read", true)]
    [InlineData("prometheus", "write", false)]
    [InlineData("crossplane", "claim", true)]
    [InlineData("crossplane", "delete", true)]
    public void AllowsVerb_HonoursExactAndWildcardEntries(string server, string verb, bool allowed)
    {
        var rule = new AgentRule("planner", [], ["git:write", "*:read", "crossplane:*"], 1);
        Assert.Equal(allowed, rule.AllowsVerb(server, verb));
    }

    [Fact]
    public void AllowsVerb_NoVerbList_AllowsEveryVerb_AndStarStarAllowsEveryVerbToo()
    {
        Assert.True(new AgentRule("planner", [], null, 1).AllowsVerb("git", "delete"));
        Assert.True(new AgentRule("planner", [], ["*:*"], 1).AllowsVerb("git", "delete"));
        Assert.False(new AgentRule("planner", [], [], 1).AllowsVerb("git", "delete"));
    }
}
