using Seeded = AgentOps.Testing.FakeKubernetesApi.Seeded;

namespace AgentOps.Tools.Kubectl.Tests;

/// <summary>Writes are off by default and --read-only refuses them whatever else is configured.</summary>
public sealed class KubectlWritePolicyTests
{
    private static Dictionary<string, object?> Scale() => new() { ["namespace"] = Seeded.Payments, ["name"] = Seeded.PaymentsDeployment, ["replicas"] = 2 };

    private static Dictionary<string, object?> Restart() => new() { ["namespace"] = Seeded.Payments, ["name"] = Seeded.PaymentsDeployment };

    [Fact]
    public async Task DeploymentScale_WritesNotAllowed_RefusedAndNothingSent()
    {
        await using var sut = await KubectlServer.StartAsync();

        var result = await sut.CallAsync("deployment_scale", Scale(), "k8s:scale:ns/payments/deployment/payments-api");

        Assert.True(result.IsError == true);
        Assert.Contains("--allow-writes", ToolServerFixture.Text(result), StringComparison.Ordinal);
        Assert.Empty(sut.Api.Requests);
    }

    [Fact]
    public async Task RolloutRestart_WritesNotAllowed_RefusedAndNothingSent()
    {
        await using var sut = await KubectlServer.StartAsync();

        var result = await sut.CallAsync("rollout_restart", Restart(), "k8s:restart:ns/payments/deployment/payments-api");

        Assert.True(result.IsError == true);
        Assert.Contains("writes are disabled", ToolServerFixture.Text(result), StringComparison.Ordinal);
        Assert.Empty(sut.Api.Requests);
    }

    [Fact]
    public async Task WriteTools_ReadOnlyServer_RefusedEvenWithWritesAllowed()
    {
        await using var sut = await KubectlServer.StartAsync("--read-only", "--allow-writes");

        var scale = await sut.CallAsync("deployment_scale", Scale(), "k8s:scale:ns/payments/deployment/payments-api");
        var restart = await sut.CallAsync("rollout_restart", Restart(), "k8s:restart:ns/payments/deployment/payments-api");
        var read = await sut.CallAsync("deployment_get", Restart(), "k8s:read:ns/payments");

        Assert.True(scale.IsError == true);
        Assert.Contains("read_only", ToolServerFixture.Text(scale), StringComparison.Ordinal);
        Assert.True(restart.IsError == true);
        Assert.Contains("read_only", ToolServerFixture.Text(restart), StringComparison.Ordinal);
        Assert.Equal(1, KubectlServer.Structured(read).GetProperty("desiredReplicas").GetInt32());
        Assert.DoesNotContain(sut.Api.Requests, r => r.Method != "GET");
    }

    [Fact]
    public async Task ToolsList_AnnotationsTellReadsFromWrites()
    {
        await using var sut = await KubectlServer.StartAsync();

        var tools = (await sut.Server.Client.ListToolsAsync()).ToDictionary(t => t.Name, t => t.ProtocolTool.Annotations);

        string[] reads = ["namespaces_list", "pods_list", "pod_get", "pod_logs", "events_list", "deployment_get", "rollout_history", "resource_get", "resources_list"];
        Assert.Equal(reads.Length + 2, tools.Count);
        Assert.All(reads, name =>
        {
            Assert.True(tools[name]?.ReadOnlyHint);
            Assert.False(tools[name]?.DestructiveHint);
            Assert.True(tools[name]?.IdempotentHint);
        });
        Assert.False(tools["deployment_scale"]?.ReadOnlyHint);
        Assert.True(tools["deployment_scale"]?.DestructiveHint);
        Assert.True(tools["deployment_scale"]?.IdempotentHint);
        Assert.False(tools["rollout_restart"]?.ReadOnlyHint);
        Assert.True(tools["rollout_restart"]?.DestructiveHint);
        Assert.False(tools["rollout_restart"]?.IdempotentHint);
    }
}
