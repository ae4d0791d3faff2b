using System.Text.Json;
using System.Text.Json.Nodes;
using AgentOps.Core;
using AgentOps.Orchestration.Execution;

namespace AgentOps.Orchestration.Tests.Execution;

public sealed class PlanJsonTests
{
    private static Plan SamplePlan() => new(
        "database",
        new Dictionary<string, string>(StringComparer.Ordinal) { ["resource_name"] = "orders-db", ["namespace"] = "payments", ["size"] = "small" },
        [
            new PlanStep("branch", "git", "branch_create", new JsonObject { ["repo"] = "platform-gitops", ["branch"] = "agentops/orders-db" },
                "git:write:repo/platform-gitops", "create the branch",
                Compensation: new Compensation("branch_delete", new JsonObject { ["branch"] = "${steps.branch.branch}" }, "git:write:repo/platform-gitops")),
            new PlanStep("render", "crossplane", "claim_render", new JsonObject { ["size"] = "small", ["replicas"] = 2, ["backup"] = new JsonObject { ["daily"] = true } },
                "crossplane:render:skill/database", "render the claim", Critical: true),
        ],
        "PostgreSQL database orders-db for payments");

    [Fact]
    public void Deserialize_SerializedPlan_RoundTripsEveryField()
    {
        var plan = SamplePlan();

        var roundTripped = PlanJson.Deserialize(PlanJson.Serialize(plan));

        Assert.Equal(plan.Skill, roundTripped.Skill);
        Assert.Equal(plan.Summary, roundTripped.Summary);
        Assert.Equal(plan.Parameters.OrderBy(p => p.Key), roundTripped.Parameters.OrderBy(p => p.Key));
        Assert.Equal(plan.Steps.Count, roundTripped.Steps.Count);
        for (var i = 0; i < plan.Steps.Count; i++)
        {
            var (expected, actual) = (plan.Steps[i], roundTripped.Steps[i]);
            Assert.Equal((expected.Id, expected.Server, expected.Tool, expected.Scope, expected.Description, expected.Critical),
                (actual.Id, actual.Server, actual.Tool, actual.Scope, actual.Description, actual.Critical));
            Assert.True(JsonNode.DeepEquals(expected.Arguments, actual.Arguments), actual.Arguments.ToJsonString());
            Assert.Equal(expected.Compensation is null, actual.Compensation is null);
        }
        var compensation = roundTripped.Steps[0].Compensation!;
        Assert.Equal(("branch_delete", "git:write:repo/platform-gitops"), (compensation.Tool, compensation.Scope));
        Assert.Equal("""{"branch":"${steps.branch.branch}"}""", compensation.Arguments.ToJsonString());
        Assert.True(roundTripped.Steps[1].Critical);
        Assert.False(roundTripped.Steps[0].Critical);
    }

    [Fact]
    public void Deserialize_SerializedPlan_HasTheSameDigest()
    {
        var plan = SamplePlan();

        var roundTripped = PlanJson.Deserialize(PlanJson.Serialize(plan));

        Assert.Equal(PlanDigest.Compute(plan), PlanDigest.Compute(roundTripped));
    }

    [Fact]
    public void ToNode_Digest_EqualsPlanDigestCompute()
    {
        var plan = SamplePlan();

        var node = PlanJson.ToNode(plan);

        Assert.Equal(PlanDigest.Compute(plan), node["digest"]!.GetValue<string>());
        Assert.StartsWith("sha256:", node["digest"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public void ToNode_Parameters_AreSortedByKey()
    {
        var node = PlanJson.ToNode(SamplePlan());

        Assert.Equal(["namespace", "resource_name", "size"], node["parameters"]!.AsObject().Select(p => p.Key));
    }

    [Fact]
    public void ToNode_Plan_DoesNotShareArgumentNodesWithThePlan()
    {
        var plan = SamplePlan();

        var node = PlanJson.ToNode(plan);
        node["steps"]![0]!["arguments"]!["branch"] = "changed";

        Assert.Equal("agentops/orders-db", plan.Steps[0].Arguments["branch"]!.GetValue<string>());
    }

    [Fact]
    public void Deserialize_MissingOptionalFields_UsesDefaults()
    {
        const string json = """
            {"skill":"s","parameters":{},"steps":[{"id":"a","server":"git","tool":"file_read","arguments":{},"scope":"git:read"}]}
            """;

        var parsed = PlanJson.Deserialize(json);

        var step = Assert.Single(parsed.Steps);
        Assert.Equal((string.Empty, false, (Compensation?)null), (step.Description, step.Critical, step.Compensation));
        Assert.Equal(string.Empty, parsed.Summary);
    }

    [Fact]
    public void Deserialize_JsonNull_ThrowsJsonException()
    {
        Assert.Throws<JsonException>(() => PlanJson.Deserialize("null"));
    }
}
