using Seeded = AgentOps.Testing.FakeKubernetesApi.Seeded;

namespace AgentOps.Tools.Kubectl.Tests;

/// <summary>An API server that fails, hangs or is not there: a clear tool error every time, reads retried, writes not.</summary>
public sealed class KubectlBackendFailureTests
{
    private const string PodsPath = "/api/v1/namespaces/payments/pods";

    private static Dictionary<string, object?> Payments() => new() { ["namespace"] = Seeded.Payments };

    [Fact]
    public async Task PodsList_Api500_ClearErrorAfterRetries()
    {
        await using var sut = await KubectlServer.StartAsync();
        sut.Api.FailWith(500, PodsPath);

        var result = await sut.CallAsync("pods_list", Payments(), "k8s:read:ns/payments");

        Assert.True(result.IsError == true);
        var text = ToolServerFixture.Text(result);
        Assert.Contains("500", text, StringComparison.Ordinal);
        Assert.Contains("etcdserver: request timed out", text, StringComparison.Ordinal);
        Assert.Contains(sut.Api.Url, text, StringComparison.Ordinal);
        Assert.Equal(3, sut.Api.RequestsTo("GET", PodsPath).Count);
    }

    [Fact]
    public async Task DeploymentScale_Patch500_SentOnceNeverRetried()
    {
        const string scalePath = "/apis/apps/v1/namespaces/payments/deployments/payments-api/scale";
        await using var sut = await KubectlServer.StartAsync("--allow-writes");
        sut.Api.FailWith(500, scalePath, method: "PATCH");

        var result = await sut.CallAsync("deployment_scale", new() { ["namespace"] = Seeded.Payments, ["name"] = Seeded.PaymentsDeployment, ["replicas"] = 2 },
            "k8s:scale:ns/payments/deployment/payments-api");

        Assert.True(result.IsError == true);
        Assert.Contains("500", ToolServerFixture.Text(result), StringComparison.Ordinal);
        Assert.Single(sut.Api.RequestsTo("PATCH", scalePath));
    }

    [Fact]
    public async Task PodsList_ApiUnreachable_ClearErrorNoHang()
    {
        using var api = FakeKubernetesApi.StartEmpty();
        var directory = Directory.CreateTempSubdirectory("agentops-kubectl-tests-");
        var kubeconfig = Path.Combine(directory.FullName, "kubeconfig");
        Kubeconfig.Write(kubeconfig, [new KubeconfigContext("gone", Kubeconfig.UnreachableServer(), "token")], "gone");
        await using var sut = await KubectlServer.StartWithKubeconfigAsync(api, kubeconfig, directory);

        var result = await sut.CallAsync("pods_list", Payments(), "k8s:read:ns/payments");

        Assert.True(result.IsError == true);
        Assert.Contains("unreachable", ToolServerFixture.Text(result), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PodsList_ApiTooSlow_TimesOutWithClearError()
    {
        await using var sut = await KubectlServer.StartAsync("--timeout-seconds", "1");
        sut.Api.DelayResponses(TimeSpan.FromSeconds(30), PodsPath);

        var result = await sut.CallAsync("pods_list", Payments(), "k8s:read:ns/payments");

        Assert.True(result.IsError == true);
        Assert.Contains("did not answer", ToolServerFixture.Text(result), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PodsList_KubeconfigMissing_ClearError()
    {
        using var api = FakeKubernetesApi.StartEmpty();
        var directory = Directory.CreateTempSubdirectory("agentops-kubectl-tests-");
        await using var sut = await KubectlServer.StartWithKubeconfigAsync(api, Path.Combine(directory.FullName, "absent"), directory);

        var result = await sut.CallAsync("pods_list", Payments(), "k8s:read:ns/payments");

        Assert.True(result.IsError == true);
        Assert.Contains("Kubernetes configuration could not be loaded", ToolServerFixture.Text(result), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PodsList_ContextSwitch_UsesNamedContextNotCurrent()
    {
        using var api = FakeKubernetesApi.Start();
        var directory = Directory.CreateTempSubdirectory("agentops-kubectl-tests-");
        var kubeconfig = Path.Combine(directory.FullName, "kubeconfig");
        Kubeconfig.Write(kubeconfig, [new KubeconfigContext("gone", Kubeconfig.UnreachableServer(), "token"), api.Context("fake")], currentContext: "gone");
        await using var sut = await KubectlServer.StartWithKubeconfigAsync(api, kubeconfig, directory, "--context", "fake");

        var result = await sut.CallAsync("pods_list", Payments(), "k8s:read:ns/payments");

        Assert.Equal(1, KubectlServer.Structured(result).GetProperty("count").GetInt32());
    }

    [Fact]
    public async Task PodsList_WrongApiToken_ClearUnauthorizedError()
    {
        using var api = FakeKubernetesApi.Start();
        var directory = Directory.CreateTempSubdirectory("agentops-kubectl-tests-");
        var kubeconfig = Path.Combine(directory.FullName, "kubeconfig");
        Kubeconfig.Write(kubeconfig, [api.Context("fake") with { Token = "not-the-token" }], "fake");
        await using var sut = await KubectlServer.StartWithKubeconfigAsync(api, kubeconfig, directory);

        var result = await sut.CallAsync("pods_list", Payments(), "k8s:read:ns/payments");

        Assert.True(result.IsError == true);
        Assert.Contains("401", ToolServerFixture.Text(result), StringComparison.Ordinal);
        Assert.Single(api.RequestsTo("GET", PodsPath));
    }
}
