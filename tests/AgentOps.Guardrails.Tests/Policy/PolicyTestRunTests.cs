using System.Text.Json.Nodes;
using AgentOps.Core;
using AgentOps.Guardrails.Layers;
using AgentOps.Guardrails.Policy;
using Microsoft.Extensions.Time.Testing;

namespace AgentOps.Guardrails.Tests.Policy;

/// <summary>What <c>policy test</c> says about a request file is what the live L2 layer does with the same call.</summary>
public sealed class PolicyTestRunTests : IDisposable
{
    private readonly ScopePolicyFiles _files = new(ScopePolicyFiles.Strict);

    public void Dispose() => _files.Dispose();

    [Theory]
    [InlineData("2025-12-23T09:00:00Z", 3, "policy.freeze")]
    [InlineData("2026-01-05T09:00:00Z", 3, "scope.within")]
    [InlineData("2026-01-05T09:00:00Z", 9, "policy.limits.replicas")]
    [InlineData("2026-01-05T19:00:00Z", 3, "policy.change-window")]
    public async Task Evaluate_SameRequestOfflineAndThroughTheLiveLayer_DecidesAlike(string time, int replicas, string rule)
    {
        var agents = _files.Agents();
        var policy = _files.Load();
        var arguments = new JsonObject { ["namespace"] = "payments", ["deployment"] = "checkout-api", ["replicas"] = replicas };
        var requestFile = Path.Combine(_files.Directory, "request.json");
        File.WriteAllText(requestFile, new JsonObject
        {
            ["agent"] = "scaler",
            ["server"] = "k8s",
            ["tool"] = "deployment_scale",
            ["scope"] = "k8s:scale:ns/payments",
            ["requester"] = "alice@example.com",
            ["runId"] = "run-1",
            ["time"] = time,
            ["arguments"] = arguments.DeepClone(),
        }.ToJsonString());
        var clock = new FakeTimeProvider(DateTimeOffset.Parse(time, System.Globalization.CultureInfo.InvariantCulture));
        var layer = new ActionScopeLayer(new ActionPolicyEvaluator(policy, TestPolicy.Policy.Limits, clock));
        var step = new PlanStep("scale", "k8s", "deployment_scale", arguments, "k8s:scale:ns/payments", "scale checkout-api");
        var context = new GuardrailContext("run-1", "alice@example.com", "sha256:plan", step, arguments, agents.Get("scaler"), TestPolicy.PermissiveSchema, false, ["alice@example.com"]);

        var offline = Assert.Single(PolicyTestRun.Evaluate(policy, TestPolicy.Policy.Limits, agents, PolicyTestRun.ReadRequests(requestFile), DateTimeOffset.UnixEpoch));
        var live = await layer.EvaluateAsync(context);

        Assert.Equal(rule, offline.Decision.Rule);
        Assert.Equal((offline.Decision.Verdict, offline.Decision.Rule, offline.Decision.Explanation), (live.Verdict, live.Rule, live.Reason));
    }

    [Fact]
    public void Evaluate_YamlSequence_SpendsBudgetsInOrderAndNamesTheCallThatGoesOver()
    {
        var requestFile = Path.Combine(_files.Directory, "requests.yaml");
        var call = """
              - agent: scaler
                server: k8s
                tool: pods_list
                scope: k8s:read:ns/payments
                readOnly: true
                requester: bob@example.com
            """;
        File.WriteAllText(requestFile, "requests:\n" + call.Replace("- agent", "- time: 2025-06-04T08:00:00Z\n    agent", StringComparison.Ordinal) + "\n" + string.Concat(Enumerable.Repeat(call + "\n", 4)));

        var results = PolicyTestRun.Evaluate(_files.Load(), TestPolicy.Policy.Limits, _files.Agents(), PolicyTestRun.ReadRequests(requestFile), DateTimeOffset.UnixEpoch);

        Assert.Equal(["scope.within", "scope.within", "scope.within", "scope.within", "policy.rate.agent"], results.Select(r => r.Decision.Rule));
        Assert.All(results, r => Assert.Equal(new DateTimeOffset(2025, 6, 4, 8, 0, 0, TimeSpan.Zero), r.Time));
    }

    [Fact]
    public void Evaluate_AgentNotInTheCatalogue_DeniesUnknownAgent()
    {
        var request = new ActionRequest("ghost", "k8s", "pods_list", "k8s:read", true, "run-1", "bob@example.com");

        var result = Assert.Single(PolicyTestRun.Evaluate(_files.Load(), TestPolicy.Policy.Limits, _files.Agents(), [request], DateTimeOffset.UnixEpoch));

        Assert.Equal((Verdict.Deny, "scope.unknown-agent"), (result.Decision.Verdict, result.Decision.Rule));
    }

    [Fact]
    public void ReadRequests_NotARequest_FailsNamingTheFile()
    {
        var requestFile = Path.Combine(_files.Directory, "bad.json");
        File.WriteAllText(requestFile, """{"agent":"scaler","tool":"pods_list"}""");

        var error = Assert.Throws<ArgumentException>(() => PolicyTestRun.ReadRequests(requestFile));

        Assert.Contains(requestFile, error.Message, StringComparison.Ordinal);
        Assert.Contains("'server'", error.Message, StringComparison.Ordinal);
    }
}
