using System.Text.Json.Nodes;

namespace AgentOps.Core.Tests;

public sealed class PlanDigestTests
{
    private static Plan MakePlan(string size, string argOrder) => new(
        "provision-database",
        new Dictionary<string, string> { ["size"] = size, ["engine"] = "postgresql" },
        [
            new PlanStep("render", "crossplane", "claim_render",
                argOrder == "ab" ? new JsonObject { ["a"] = 1, ["b"] = 2 } : new JsonObject { ["b"] = 2, ["a"] = 1 },
                "crossplane:render:skill/database", "render the claim"),
        ],
        "summary");

    [Fact]
    public void Compute_SamePlanDifferentKeyOrder_SameDigest()
    {
        Assert.Equal(PlanDigest.Compute(MakePlan("small", "ab")), PlanDigest.Compute(MakePlan("small", "ba")));
    }

    [Fact]
    public void Compute_ParameterChanged_DigestChanges()
    {
        var sut = PlanDigest.Compute(MakePlan("small", "ab"));

        Assert.NotEqual(sut, PlanDigest.Compute(MakePlan("large", "ab")));
        Assert.StartsWith("sha256:", sut, StringComparison.Ordinal);
        Assert.Equal(71, sut.Length);
    }
}
