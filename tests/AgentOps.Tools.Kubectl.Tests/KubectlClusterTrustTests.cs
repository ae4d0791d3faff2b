using Seeded = AgentOps.Testing.FakeKubernetesApi.Seeded;

namespace AgentOps.Tools.Kubectl.Tests;

/// <summary>
/// The server's own HTTP layer trusts exactly what the kubeconfig says: the cluster's CA as the only root, and the
/// user's token sent only over a connection to a server that CA vouches for.
/// </summary>
public sealed class KubectlClusterTrustTests
{
    private static Dictionary<string, object?> Payments() => new() { ["namespace"] = Seeded.Payments };

    [Fact]
    public async Task PodsList_KubeconfigCaMatchesTheServer_CallSucceedsWithTheBearerToken()
    {
        await using var sut = await KubectlServer.StartAsync();

        var result = await sut.CallAsync("pods_list", Payments(), "k8s:read:ns/payments");

        Assert.True(result.IsError != true, ToolServerFixture.Text(result));
        // The fake answers 401 to any other Authorization header, so a result means the kubeconfig token was sent.
        Assert.NotEmpty(sut.Api.RequestsTo("GET", "/api/v1/namespaces/payments/pods"));
    }

    [Fact]
    public async Task PodsList_ServerCertificateFromAnotherAuthority_RefusedBeforeAnyRequest()
    {
        using var api = FakeKubernetesApi.Start();
        using var impostorAuthority = FakeKubernetesApi.StartEmpty();
        var directory = Directory.CreateTempSubdirectory("agentops-kubectl-tests-");
        var kubeconfig = Path.Combine(directory.FullName, "kubeconfig");
        // The right address, the wrong CA: as if the address had been taken over by a server the cluster never issued.
        Kubeconfig.Write(kubeconfig, [api.Context("fake") with { CertificateAuthorityPem = impostorAuthority.CertificateAuthorityPem }], "fake");
        await using var sut = await KubectlServer.StartWithKubeconfigAsync(api, kubeconfig, directory);

        var result = await sut.CallAsync("pods_list", Payments(), "k8s:read:ns/payments");

        Assert.True(result.IsError == true);
        Assert.Contains("unreachable", ToolServerFixture.Text(result), StringComparison.Ordinal);
        // The TLS handshake failed, so no HTTP request, and no bearer token, ever reached that server.
        Assert.Empty(api.Requests);
    }
}
