using System.Text.Json.Nodes;
using AgentOps.Core;
using AgentOps.Identity;
using AgentOps.Orchestration.Tools;
using static AgentOps.Testing.FakeKubernetesApi;

namespace AgentOps.Orchestration.Tests.ThirdParty;

/// <summary>
/// The Go <c>kubernetes-mcp-server</c>, a server we did not write, hosted by the orchestrator: the real binary as a child
/// process over stdio, against the fake Kubernetes API. It cannot verify our token, so the orchestrator checks it, audits
/// the decision, keeps the token to itself and screens what comes back.
/// </summary>
public sealed class KubernetesMcpServerTests
{
    private const string PodsList = "pods_list_in_namespace";
    private const string PodsListAction = $"{KubernetesMcpServerHarness.Server}/{PodsList}";

    // What the SDK passes to a third-party process (StdioClientTransportOptions.GetDefaultEnvironmentVariables), and what
    // /bin/sh sets for itself; anything else of ours in the server's environment would be a leak.
    private static readonly HashSet<string> s_allowedEnvironment = new(StringComparer.Ordinal)
    {
        "HOME", "LOGNAME", "PATH", "SHELL", "TERM", "USER", "PWD", "OLDPWD", "SHLVL", "_",
    };

    [Fact]
    public async Task ExecuteAsync_PodsInTheTokensNamespace_ReachesTheServerAndIsAuditedWithTheOrchestratorsDecision()
    {
        await using var harness = await KubernetesMcpServerHarness.StartAsync();
        var run = await harness.CreateRunAsync(PodsList, new JsonObject { ["namespace"] = Seeded.Payments }, "k8s:read:ns/payments");

        var result = await harness.Executor.ExecuteAsync(run);

        Assert.True(result.Status == RunStatus.Completed, result.Message);
        Assert.Contains(Seeded.PaymentsPod, result.StepResultsJson, StringComparison.Ordinal);
        Assert.NotEmpty(harness.Api.RequestsTo("GET", "/api/v1/namespaces/payments/pods"));
        var records = (await harness.Audit.ReadAsync()).Where(r => r.Action == PodsListAction).ToArray();
        Assert.Equal(["allowed", "allowed", "succeeded"], records.Select(r => r.Outcome));
        // First the guardrail pipeline, as for our own servers: L1 checked the arguments against the Go server's schema.
        var pipeline = records[0];
        Assert.Contains(pipeline.Decisions, d => d is { Layer: "L1.input", Verdict: Verdict.Allow, Rule: "input.valid" });
        Assert.Contains(pipeline.Decisions, d => d is { Layer: "L2.scope", Verdict: Verdict.Allow, Rule: "scope.within" });
        // Then the orchestrator's own check of the token, in the place of the server that cannot make it.
        var boundary = records[1];
        var decision = Assert.Single(boundary.Decisions);
        Assert.Equal(("L2.scope", Verdict.Allow, "third-party.scope-covered"), (decision.Layer, decision.Verdict, decision.Rule));
        Assert.Contains("'k8s:read:ns/payments'", decision.Reason, StringComparison.Ordinal);
        Assert.Contains(KubernetesMcpServerHarness.ServerId, decision.Reason, StringComparison.Ordinal);
        Assert.Equal(run.Id, boundary.RunId);
        Assert.Equal("spiffe://agentops.local/agent/cluster-reader", boundary.Actor);
        Assert.Equal(pipeline.DelegationChain, boundary.DelegationChain);
        Assert.Equal(3, boundary.DelegationChain.Count);
        Assert.StartsWith($"{KubernetesMcpServerHarness.Requester} → spiffe://agentops.local/agent/planner [", boundary.DelegationChain[0], StringComparison.Ordinal);
        Assert.StartsWith($"spiffe://agentops.local/agent/planner → spiffe://agentops.local/agent/cluster-reader [k8s:read:ns/payments]", boundary.DelegationChain[1], StringComparison.Ordinal);
        Assert.Equal(pipeline.ArgumentDigest, boundary.ArgumentDigest);
    }

    [Fact]
    public async Task ExecuteAsync_NamespaceOutsideTheTokensScope_IsRefusedBeforeAnythingReachesTheServer()
    {
        await using var harness = await KubernetesMcpServerHarness.StartAsync(capture: true);
        var run = await harness.CreateRunAsync(PodsList, new JsonObject { ["namespace"] = Seeded.Checkout }, "k8s:read:ns/payments");

        var result = await harness.Executor.ExecuteAsync(run);

        Assert.NotEqual(RunStatus.Completed, result.Status);
        Assert.Contains("refused by the orchestrator", result.Message, StringComparison.Ordinal);
        Assert.Contains("token scope 'k8s:read:ns/payments' does not cover 'k8s:read:ns/checkout'", result.Message, StringComparison.Ordinal);
        Assert.Empty(harness.RequestsFor(Seeded.Checkout));
        // The server was started (the executor read its schemas) but was never sent the call.
        Assert.Contains("\"tools/list\"", harness.SentToServer, StringComparison.Ordinal);
        Assert.Empty(ToolCallsSent(harness));
        var boundary = Assert.Single(await harness.Audit.ReadAsync(), r => r.Action == PodsListAction && r.Outcome == "denied");
        Assert.Equal("third-party.scope", Assert.Single(boundary.Decisions).Rule);
        Assert.Equal(run.Id, boundary.RunId);
    }

    [Fact]
    public async Task ExecuteAsync_ToolWithoutAScopeRule_IsRefusedByDefault()
    {
        await using var harness = await KubernetesMcpServerHarness.StartAsync(capture: true);
        // The server offers configuration_view (it prints the kubeconfig) and the agent may call it; the scope map does not name it.
        var run = await harness.CreateRunAsync("configuration_view", [], "k8s:read:cluster");

        var result = await harness.Executor.ExecuteAsync(run);

        Assert.NotEqual(RunStatus.Completed, result.Status);
        Assert.Contains("third-party.unmapped-tool", result.Message, StringComparison.Ordinal);
        Assert.Contains("deny by default", result.Message, StringComparison.Ordinal);
        Assert.Empty(ToolCallsSent(harness));
        var boundary = Assert.Single(await harness.Audit.ReadAsync(), r => r.Action == "kubernetes/configuration_view" && r.Outcome == "denied");
        Assert.Equal(Verdict.Deny, Assert.Single(boundary.Decisions).Verdict);
    }

    [Fact]
    public async Task CallAsync_AllowedCall_NeverHandsTheTokenToTheThirdPartyProcess()
    {
        await using var harness = await KubernetesMcpServerHarness.StartAsync(capture: true);
        var token = harness.StepToken("k8s:read:ns/payments");

        var outcome = await harness.Gateway.CallAsync(KubernetesMcpServerHarness.Server, PodsList, new JsonObject { ["namespace"] = Seeded.Payments }, token);

        Assert.False(outcome.IsError, outcome.Text);
        var call = Assert.Single(ToolCallsSent(harness));
        Assert.Equal(PodsList, call["params"]!["name"]!.GetValue<string>());
        // The SDK may put protocol fields in _meta; nothing of ours goes there.
        Assert.All(call["params"]!["_meta"]?.AsObject() ?? [], p => Assert.StartsWith("io.modelcontextprotocol/", p.Key, StringComparison.Ordinal));
        var sent = harness.SentToServer;
        var (payload, signature) = (token.Split('.')[1], token.Split('.')[2]);
        foreach (var received in new[] { sent, harness.ServerArguments, harness.ServerEnvironment })
        {
            Assert.DoesNotContain(payload, received, StringComparison.Ordinal);
            Assert.DoesNotContain(signature, received, StringComparison.Ordinal);
            Assert.DoesNotContain(McpToolGateway.CredentialMetaKey, received, StringComparison.Ordinal);
        }
        // Nor anything else of the orchestrator's environment, where an API key or a forge token may live.
        var leaked = Environment.GetEnvironmentVariables().Keys.Cast<string>()
            .Where(name => !s_allowedEnvironment.Contains(name))
            .Where(name => harness.ServerEnvironment.Split('\n').Any(line => line.StartsWith(name + "=", StringComparison.Ordinal)))
            .ToArray();
        Assert.Empty(leaked);
    }

    [Fact]
    public async Task ExecuteAsync_SecretsInTheServersOutput_AreRedactedAndTheResultMarkedUntrusted()
    {
        await using var harness = await KubernetesMcpServerHarness.StartAsync();
        var run = await harness.CreateRunAsync(PodsList, new JsonObject { ["namespace"] = Seeded.Payments }, "k8s:read:ns/payments");

        var result = await harness.Executor.ExecuteAsync(run);

        Assert.True(result.Status == RunStatus.Completed, result.Message);
        // The seeded pod carries DB_PASSWORD in its env; the Go server prints it, the orchestrator never stores it.
        var stored = JsonNode.Parse(result.StepResultsJson)!.ToJsonString();
        Assert.DoesNotContain(Seeded.PodEnvPassword, stored, StringComparison.Ordinal);
        Assert.Contains(Seeded.PodEnvPasswordKey, stored, StringComparison.Ordinal);
        Assert.Contains(UntrustedOutputScreen.SecretKeyMarker, stored, StringComparison.Ordinal);
        Assert.Contains("\"trust\":\"untrusted\"", stored, StringComparison.Ordinal);
        Assert.Contains($"\"origin\":\"{PodsListAction}\"", stored, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CallAsync_TokenForAnotherServer_IsRefusedAndTheApiIsNotAsked()
    {
        await using var harness = await KubernetesMcpServerHarness.StartAsync();
        var token = harness.StepToken("k8s:read:ns/payments", audience: "spiffe://agentops.local/tool/kubectl");

        var outcome = await harness.Gateway.CallAsync(KubernetesMcpServerHarness.Server, PodsList, new JsonObject { ["namespace"] = Seeded.Payments }, token);

        Assert.True(outcome.IsError);
        Assert.Contains("third-party.credential", outcome.Text, StringComparison.Ordinal);
        Assert.Contains(TokenErrorCodes.WrongAudience, outcome.Text, StringComparison.Ordinal);
        Assert.Empty(harness.RequestsFor(Seeded.Payments));
    }

    [Fact]
    public async Task CallAsync_SameTokenTwice_IsRefusedTheSecondTime()
    {
        await using var harness = await KubernetesMcpServerHarness.StartAsync();
        var token = harness.StepToken("k8s:read:cluster");

        var first = await harness.Gateway.CallAsync(KubernetesMcpServerHarness.Server, "namespaces_list", [], token);
        var second = await harness.Gateway.CallAsync(KubernetesMcpServerHarness.Server, "namespaces_list", [], token);

        Assert.False(first.IsError, first.Text);
        Assert.Contains(Seeded.Checkout, first.Text, StringComparison.Ordinal);
        Assert.True(second.IsError);
        Assert.Contains(TokenErrorCodes.Replayed, second.Text, StringComparison.Ordinal);
    }

    private static JsonObject[] ToolCallsSent(KubernetesMcpServerHarness harness) =>
        harness.SentToServer.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => JsonNode.Parse(line)!.AsObject())
            .Where(message => message["method"]?.GetValue<string>() == "tools/call")
            .ToArray();
}
