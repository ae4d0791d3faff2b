using Seeded = AgentOps.Testing.FakeKubernetesApi.Seeded;

namespace AgentOps.Tools.Kubectl.Tests;

/// <summary>The credential checks at the boundary: no token, a stale one, one for another server, or one whose scope does not cover the call.</summary>
public sealed class KubectlScopeTests(ReadServerFixture fixture) : IClassFixture<ReadServerFixture>
{
    private KubectlServer Sut => fixture.Sut;

    private static Dictionary<string, object?> Payments() => new() { ["namespace"] = Seeded.Payments };

    [Fact]
    public async Task PodsList_NoToken_Refused()
    {
        var result = await Sut.Server.CallAsync("pods_list", Payments(), token: null);

        Assert.True(result.IsError == true);
        Assert.Contains("missing_token", ToolServerFixture.Text(result), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PodsList_ExpiredToken_Refused()
    {
        var token = Sut.Server.Token("k8s:read:ns/payments", mintedAt: TimeProvider.System.GetUtcNow().AddHours(-1));

        var result = await Sut.Server.CallAsync("pods_list", Payments(), token);

        Assert.True(result.IsError == true);
        Assert.Contains("expired", ToolServerFixture.Text(result), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PodsList_TokenForAnotherServer_Refused()
    {
        var token = Sut.Server.Token("k8s:read:ns/payments", audience: "spiffe://agentops.local/tool/argocd");

        var result = await Sut.Server.CallAsync("pods_list", Payments(), token);

        Assert.True(result.IsError == true);
        Assert.Contains("wrong_audience", ToolServerFixture.Text(result), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PodsList_NamespaceOutsideScope_RefusedWithoutApiCall()
    {
        var result = await Sut.CallAsync("pods_list", new() { ["namespace"] = Seeded.Checkout }, "k8s:read:ns/payments");

        Assert.True(result.IsError == true);
        Assert.Contains("insufficient_scope", ToolServerFixture.Text(result), StringComparison.Ordinal);
        Assert.DoesNotContain(Sut.Api.Requests, r => r.Path == "/api/v1/namespaces/checkout/pods");
    }

    [Fact]
    public async Task PodsList_NamespaceInScope_Allowed()
    {
        var result = await Sut.CallAsync("pods_list", Payments(), "k8s:read:ns/payments");

        Assert.Equal(1, KubectlServer.Structured(result).GetProperty("count").GetInt32());
    }

    [Fact]
    public async Task NamespacesList_NamespaceScopeOnly_Refused()
    {
        var result = await Sut.CallAsync("namespaces_list", [], "k8s:read:ns/payments");

        Assert.True(result.IsError == true);
        Assert.Contains("insufficient_scope", ToolServerFixture.Text(result), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ResourcesList_AllNamespacesWithNamespaceScope_Refused()
    {
        var result = await Sut.CallAsync("resources_list", new() { ["apiVersion"] = "v1", ["resource"] = "pods" }, "k8s:read:ns/payments");

        Assert.True(result.IsError == true);
        Assert.Contains("insufficient_scope", ToolServerFixture.Text(result), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PodLogs_OtherNamespacesPod_Refused()
    {
        var result = await Sut.CallAsync("pod_logs", new() { ["namespace"] = Seeded.Checkout, ["name"] = Seeded.CheckoutPod }, "k8s:read:ns/payments");

        Assert.True(result.IsError == true);
        Assert.Contains("insufficient_scope", ToolServerFixture.Text(result), StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeploymentScale_ScopeForAnotherDeployment_Refused()
    {
        var result = await Sut.CallAsync("deployment_scale", new() { ["namespace"] = Seeded.Payments, ["name"] = Seeded.PaymentsDeployment, ["replicas"] = 2 }, "k8s:scale:ns/payments/deployment/other");

        Assert.True(result.IsError == true);
        Assert.Contains("insufficient_scope", ToolServerFixture.Text(result), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RolloutRestart_ReadScope_Refused()
    {
        var result = await Sut.CallAsync("rollout_restart", new() { ["namespace"] = Seeded.Payments, ["name"] = Seeded.PaymentsDeployment }, "k8s:read:ns/payments");

        Assert.True(result.IsError == true);
        Assert.Contains("insufficient_scope", ToolServerFixture.Text(result), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PodsList_NamespaceMissing_RefusedAsNoScopeCoversIt()
    {
        var result = await Sut.CallAsync("pods_list", [], "k8s:read:ns/payments");

        Assert.True(result.IsError == true);
        Assert.Contains("insufficient_scope", ToolServerFixture.Text(result), StringComparison.Ordinal);
    }
}
