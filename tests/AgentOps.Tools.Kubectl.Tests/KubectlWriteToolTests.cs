using System.Text.Json.Nodes;
using Seeded = AgentOps.Testing.FakeKubernetesApi.Seeded;

namespace AgentOps.Tools.Kubectl.Tests;

/// <summary>A server started with --allow-writes and --max-replicas 5.</summary>
public sealed class WriteServerFixture : IAsyncLifetime
{
    public const int MaxReplicas = 5;

    internal KubectlServer Sut { get; private set; } = null!;

    public async Task InitializeAsync() => Sut = await KubectlServer.StartAsync("--allow-writes", "--max-replicas", MaxReplicas.ToString(System.Globalization.CultureInfo.InvariantCulture));

    public async Task DisposeAsync() => await Sut.DisposeAsync();
}

/// <summary>Scale and restart when the server allows writes: what reaches the API server, and what never does.</summary>
public sealed class KubectlWriteToolTests(WriteServerFixture fixture) : IClassFixture<WriteServerFixture>
{
    private KubectlServer Sut => fixture.Sut;

    [Fact]
    public async Task DeploymentScale_Allowed_MergePatchOnScaleSubresource()
    {
        const string path = "/apis/apps/v1/namespaces/payments/deployments/payments-api/scale";

        var result = await Sut.CallAsync("deployment_scale", new() { ["namespace"] = Seeded.Payments, ["name"] = Seeded.PaymentsDeployment, ["replicas"] = 3 },
            "k8s:scale:ns/payments/deployment/payments-api");

        var scaled = KubectlServer.Structured(result);
        Assert.Equal(1, scaled.GetProperty("previousReplicas").GetInt32());
        Assert.Equal(3, scaled.GetProperty("replicas").GetInt32());
        var patch = Assert.Single(Sut.Api.RequestsTo("PATCH", path));
        Assert.StartsWith("application/merge-patch+json", patch.ContentType, StringComparison.Ordinal);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"spec":{"replicas":3}}"""), JsonNode.Parse(patch.Body!)), patch.Body);
        Assert.Equal(3, Sut.Api.GetObject("apps/v1", "deployments", Seeded.Payments, Seeded.PaymentsDeployment)!["spec"]!["replicas"]!.GetValue<long>());
    }

    [Fact]
    public async Task DeploymentScale_AboveMaximum_RefusedBeforeAnyRequest()
    {
        var result = await Sut.CallAsync("deployment_scale", new() { ["namespace"] = Seeded.Checkout, ["name"] = Seeded.CheckoutWorkerDeployment, ["replicas"] = WriteServerFixture.MaxReplicas + 1 },
            "k8s:scale:ns/checkout/deployment/checkout-worker");

        Assert.True(result.IsError == true);
        Assert.Contains("at most 5", ToolServerFixture.Text(result), StringComparison.Ordinal);
        Assert.DoesNotContain(Sut.Api.Requests, r => r.Path.Contains(Seeded.CheckoutWorkerDeployment, StringComparison.Ordinal));
    }

    [Fact]
    public async Task DeploymentScale_NegativeReplicas_Refused()
    {
        var result = await Sut.CallAsync("deployment_scale", new() { ["namespace"] = Seeded.Checkout, ["name"] = Seeded.CheckoutWorkerDeployment, ["replicas"] = -1 },
            "k8s:scale:ns/checkout/deployment/checkout-worker");

        Assert.True(result.IsError == true);
        Assert.Contains("0 or more", ToolServerFixture.Text(result), StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeploymentScale_ReplicasNotANumber_IsError()
    {
        var result = await Sut.CallAsync("deployment_scale", new() { ["namespace"] = Seeded.Checkout, ["name"] = Seeded.CheckoutWorkerDeployment, ["replicas"] = "many" },
            "k8s:scale:ns/checkout/deployment/checkout-worker");

        Assert.True(result.IsError == true);
        Assert.DoesNotContain(Sut.Api.Requests, r => r.Method == "PATCH" && r.Path.Contains(Seeded.CheckoutWorkerDeployment, StringComparison.Ordinal));
    }

    [Fact]
    public async Task DeploymentScale_UnknownDeployment_IsErrorWithApiStatus()
    {
        var result = await Sut.CallAsync("deployment_scale", new() { ["namespace"] = Seeded.Checkout, ["name"] = "ghost", ["replicas"] = 1 },
            "k8s:scale:ns/checkout/deployment/ghost");

        Assert.True(result.IsError == true);
        Assert.Contains("deployments.apps \"ghost\" not found", ToolServerFixture.Text(result), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RolloutRestart_Allowed_StrategicPatchStampsRestartedAt()
    {
        const string path = "/apis/apps/v1/namespaces/checkout/deployments/checkout-web";

        var result = await Sut.CallAsync("rollout_restart", new() { ["namespace"] = Seeded.Checkout, ["name"] = Seeded.CheckoutDeployment },
            "k8s:restart:ns/checkout/deployment/checkout-web");

        var restart = KubectlServer.Structured(result);
        var restartedAt = restart.GetProperty("restartedAt").GetString()!;
        var patch = Assert.Single(Sut.Api.RequestsTo("PATCH", path));
        Assert.StartsWith("application/strategic-merge-patch+json", patch.ContentType, StringComparison.Ordinal);
        Assert.Equal(restartedAt, JsonNode.Parse(patch.Body!)!["spec"]!["template"]!["metadata"]!["annotations"]!["kubectl.kubernetes.io/restartedAt"]!.GetValue<string>());
        var stored = Sut.Api.GetObject("apps/v1", "deployments", Seeded.Checkout, Seeded.CheckoutDeployment)!;
        Assert.Equal(restartedAt, stored["spec"]!["template"]!["metadata"]!["annotations"]!["kubectl.kubernetes.io/restartedAt"]!.GetValue<string>());
        Assert.Equal(stored["metadata"]!["generation"]!.GetValue<long>(), restart.GetProperty("generation").GetInt64());
    }
}
