using System.Text.Json;
using System.Text.Json.Nodes;
using AgentOps.Orchestration.Execution;

namespace AgentOps.Orchestration.Tests.Execution;

public sealed class ArgumentResolverTests
{
    private static Dictionary<string, JsonNode?> Results() => new(StringComparer.Ordinal)
    {
        ["branch"] = new JsonObject { ["branch"] = "agentops/orders-db", ["sha"] = "0a1b2c" },
        ["pr"] = new JsonObject
        {
            ["number"] = 7,
            ["draft"] = false,
            ["labels"] = new JsonArray("db", "payments"),
            ["links"] = new JsonObject { ["html"] = new JsonObject { ["href"] = "forge://pulls/7" } },
            ["merged_by"] = null,
        },
    };

    private static readonly IReadOnlyDictionary<string, string> s_facts = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["id"] = "run-1",
        ["requester"] = "alice@example.com",
        ["report"] = "## Plan\n- Skill: `database`",
    };

    [Fact]
    public void Resolve_WholeStringReferenceToNumber_KeepsTheNumber()
    {
        var resolved = ArgumentResolver.Resolve(new JsonObject { ["number"] = "${steps.pr.number}" }, Results(), s_facts);

        Assert.Equal(JsonValueKind.Number, resolved["number"]!.GetValueKind());
        Assert.Equal(7, resolved["number"]!.GetValue<int>());
    }

    [Fact]
    public void Resolve_WholeStringReferenceToBooleanArrayOrObject_KeepsItsJsonType()
    {
        var template = new JsonObject
        {
            ["draft"] = "${steps.pr.draft}",
            ["labels"] = "${steps.pr.labels}",
            ["links"] = "${steps.pr.links}",
        };

        var resolved = ArgumentResolver.Resolve(template, Results(), s_facts);

        Assert.Equal("""{"draft":false,"labels":["db","payments"],"links":{"html":{"href":"forge://pulls/7"}}}""", resolved.ToJsonString());
    }

    [Fact]
    public void Resolve_WholeStringReferenceToJsonNull_GivesNull()
    {
        var resolved = ArgumentResolver.Resolve(new JsonObject { ["by"] = "${steps.pr.merged_by}" }, Results(), s_facts);

        Assert.True(resolved.ContainsKey("by"));
        Assert.Null(resolved["by"]);
    }

    [Fact]
    public void Resolve_EmbeddedReferences_InterpolatesText()
    {
        var template = new JsonObject { ["title"] = "PR #${steps.pr.number} from ${steps.branch.branch} for ${run.requester}" };

        var resolved = ArgumentResolver.Resolve(template, Results(), s_facts);

        Assert.Equal("PR #7 from agentops/orders-db for alice@example.com", resolved["title"]!.GetValue<string>());
    }

    [Fact]
    public void Resolve_EmbeddedReferenceToObject_InterpolatesItsJson()
    {
        var resolved = ArgumentResolver.Resolve(new JsonObject { ["text"] = "labels=${steps.pr.labels}" }, Results(), s_facts);

        Assert.Equal("""labels=["db","payments"]""", resolved["text"]!.GetValue<string>());
    }

    [Fact]
    public void Resolve_NestedPath_FollowsEveryField()
    {
        var resolved = ArgumentResolver.Resolve(new JsonObject { ["href"] = "${steps.pr.links.html.href}" }, Results(), s_facts);

        Assert.Equal("forge://pulls/7", resolved["href"]!.GetValue<string>());
    }

    [Fact]
    public void Resolve_ReferencesInsideNestedObjectsAndArrays_AreResolved()
    {
        var template = new JsonObject
        {
            ["files"] = new JsonArray(new JsonObject { ["path"] = "platform/${steps.branch.sha}.yaml", ["n"] = "${steps.pr.number}" }),
        };

        var resolved = ArgumentResolver.Resolve(template, Results(), s_facts);

        Assert.Equal("""{"files":[{"path":"platform/0a1b2c.yaml","n":7}]}""", resolved.ToJsonString());
    }

    [Fact]
    public void Resolve_RunReport_GivesTheReportText()
    {
        var resolved = ArgumentResolver.Resolve(new JsonObject { ["body"] = "${run.report}" }, Results(), s_facts);

        Assert.Equal("## Plan\n- Skill: `database`", resolved["body"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("${steps.deploy.url}", "steps.deploy.url", "step 'deploy' has not run yet")]
    [InlineData("${steps.pr.url}", "steps.pr.url", "the result of step 'pr' has no 'url'")]
    [InlineData("${steps.pr.number.value}", "steps.pr.number.value", "the result of step 'pr' has no 'value'")]
    [InlineData("see ${steps.pr.missing} here", "steps.pr.missing", "has no 'missing'")]
    [InlineData("${run.approver}", "run.approver", "run fact 'approver' is not known")]
    [InlineData("${steps.pr}", "steps.pr", "expected steps.<id>.<field> or run.<name>")]
    [InlineData("${run.a.b}", "run.a.b", "expected steps.<id>.<field> or run.<name>")]
    public void Resolve_UnknownReference_ThrowsNamingTheReference(string value, string reference, string reason)
    {
        var error = Assert.Throws<UnresolvedReferenceException>(() => ArgumentResolver.Resolve(new JsonObject { ["x"] = value }, Results(), s_facts));

        Assert.Equal(reference, error.Reference);
        Assert.Contains($"'${{{reference}}}'", error.Message, StringComparison.Ordinal);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_NonReferenceValues_AreUntouched()
    {
        var template = new JsonObject
        {
            ["plain"] = "no references here",
            ["dollar"] = "costs $5 {per} month",
            ["unclosed"] = "${steps.pr.number",
            ["other-root"] = "${env.HOME}",
            ["number"] = 3,
            ["flag"] = true,
            ["nothing"] = null,
            ["list"] = new JsonArray(1, "two"),
        };
        var before = template.ToJsonString();

        var resolved = ArgumentResolver.Resolve(template, Results(), s_facts);

        Assert.Equal(before, resolved.ToJsonString());
    }

    [Fact]
    public void Resolve_Template_IsNotModifiedAndResultSharesNoNodes()
    {
        var template = new JsonObject { ["n"] = "${steps.pr.number}", ["links"] = "${steps.pr.links}" };

        var results = Results();

        var resolved = ArgumentResolver.Resolve(template, results, s_facts);
        resolved["links"]!["html"]!["href"] = "changed";

        Assert.Equal("""{"n":"${steps.pr.number}","links":"${steps.pr.links}"}""", template.ToJsonString());
        Assert.Equal("forge://pulls/7", results["pr"]!["links"]!["html"]!["href"]!.GetValue<string>());
    }
}
