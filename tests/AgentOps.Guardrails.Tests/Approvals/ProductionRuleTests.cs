using System.Text.Json.Nodes;
using AgentOps.Core;
using AgentOps.Guardrails.Approvals;

namespace AgentOps.Guardrails.Tests.Approvals;

public sealed class ProductionRuleTests
{
    private static readonly ProductionRule s_rule = new(["production", "prod"], ["clusters/production/**"], 2);

    [Theory]
    [InlineData("kubectl:apply:ns/production", "scope 'kubectl:apply:ns/production' names production namespace 'production'")]
    [InlineData("kubectl:apply:namespace/PROD/deployments", "scope 'kubectl:apply:namespace/PROD/deployments' names production namespace 'PROD'")]
    [InlineData("kubectl:apply://ns//prod", "scope 'kubectl:apply://ns//prod' names production namespace 'prod'")]
    [InlineData("kubectl:apply:ns/staging", null)]
    [InlineData("kubectl:apply:ns", null)]
    [InlineData("kubectl:apply:production/ns", null)]
    [InlineData("kubectl:apply:ns/production-like", null)]
    public void Affects_Scope_NamesAProductionNamespaceOnlyRightAfterNamespaceOrNs(string scope, string? expected)
    {
        var step = new PlanStep("s1", "kubectl", "apply", new JsonObject(), scope, "test step");
        Assert.Equal(expected, s_rule.Affects(step, []));
    }

    [Fact]
    public void Affects_NamespaceArgumentNestedInAnArray_IsFound_ButNotAPropertyNamedLikeIt()
    {
        var nested = new PlanStep("s1", "kubectl", "apply",
            new JsonObject { ["targets"] = new JsonArray(new JsonObject { ["env"] = "staging" }, new JsonObject { ["environment"] = "Prod" }) }, "kubectl:apply", "test step");
        var nameOnly = new PlanStep("s2", "kubectl", "apply", new JsonObject { ["labels"] = new JsonObject { ["production"] = "namespace" } }, "kubectl:apply", "test step");

        Assert.Equal("environment 'Prod' is production", s_rule.Affects(nested, []));
        Assert.Null(s_rule.Affects(nameOnly, []));
    }
}
