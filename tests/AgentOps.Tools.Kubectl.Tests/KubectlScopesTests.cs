using System.Text.Json;

namespace AgentOps.Tools.Kubectl.Tests;

/// <summary>The scope each call needs, computed from its arguments before the credential is checked.</summary>
public sealed class KubectlScopesTests
{
    private readonly KubectlScopes _sut = new();

    private static Dictionary<string, JsonElement> Args(object values) =>
        JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(JsonSerializer.Serialize(values))!;

    [Theory]
    [InlineData("pods_list")]
    [InlineData("pod_get")]
    [InlineData("pod_logs")]
    [InlineData("events_list")]
    [InlineData("deployment_get")]
    [InlineData("rollout_history")]
    public void RequiredScope_NamespacedRead_NamesTheNamespace(string tool)
    {
        var scope = _sut.RequiredScope(tool, Args(new { @namespace = "payments", name = "x" }));

        Assert.Equal("k8s:read:ns/payments", scope?.ToString());
    }

    [Fact]
    public void RequiredScope_NamespacesList_Cluster() =>
        Assert.Equal("k8s:read:cluster", _sut.RequiredScope("namespaces_list", Args(new { }))?.ToString());

    [Theory]
    [InlineData(null, "k8s:read:cluster")]
    [InlineData("", "k8s:read:cluster")]
    [InlineData("checkout", "k8s:read:ns/checkout")]
    public void RequiredScope_ResourceGet_NamespaceDecides(string? ns, string expected) =>
        Assert.Equal(expected, _sut.RequiredScope("resource_get", Args(new { apiVersion = "v1", resource = "pods", name = "x", @namespace = ns }))?.ToString());

    [Fact]
    public void RequiredScope_DeploymentScale_NamesTheDeployment() =>
        Assert.Equal("k8s:scale:ns/payments/deployment/payments-api", _sut.RequiredScope("deployment_scale", Args(new { @namespace = "payments", name = "payments-api", replicas = 3 }))?.ToString());

    [Fact]
    public void RequiredScope_RolloutRestart_NamesTheDeployment() =>
        Assert.Equal("k8s:restart:ns/checkout/deployment/checkout-web", _sut.RequiredScope("rollout_restart", Args(new { @namespace = "checkout", name = "checkout-web" }))?.ToString());

    [Theory]
    [InlineData("Payments")]
    [InlineData("payments/../kube-system")]
    [InlineData("")]
    public void RequiredScope_InvalidNamespace_NoRealNamespaceCovered(string ns)
    {
        var scope = _sut.RequiredScope("pods_list", Args(new { @namespace = ns }));

        Assert.Equal("k8s:read:ns/<invalid>", scope?.ToString());
    }

    [Fact]
    public void RequiredScope_DeploymentScaleInvalidName_NoRealDeploymentCovered() =>
        Assert.Equal("k8s:scale:ns/payments/deployment/<invalid>", _sut.RequiredScope("deployment_scale", Args(new { @namespace = "payments", name = "Bad_Name" }))?.ToString());

    [Fact]
    public void RequiredScope_UnknownTool_Null() => Assert.Null(_sut.RequiredScope("pods_delete", Args(new { @namespace = "payments" })));
}
