using AgentOps.Core;
using AgentOps.Guardrails.Policy;

namespace AgentOps.Guardrails.Tests.Policy;

public sealed class AgentSpecTests
{
    [Theory]
    [InlineData("git", "commit", true)]
    [InlineData("git", "push", false)]
    [InlineData("crossplane", "claim_render", true)]
    [InlineData("crossplane", "anything_at_all", true)]
    [InlineData("k8s", "commit", false)]
    [InlineData("GIT", "commit", false)]
    public void MayCall_ServerAndTool_FollowsTheAllowList(string server, string tool, bool expected)
    {
        var sut = new AgentSpec("a", AgentCatalog.TrustDomain + "a", "domain_specific", "p", "m",
            new Dictionary<string, IReadOnlySet<string>>(StringComparer.Ordinal)
            {
                ["git"] = new HashSet<string>(["commit"], StringComparer.Ordinal),
                ["crossplane"] = new HashSet<string>(["*"], StringComparer.Ordinal),
            },
            ScopeSet.Empty,
            10);

        Assert.Equal(expected, sut.MayCall(server, tool));
    }
}
