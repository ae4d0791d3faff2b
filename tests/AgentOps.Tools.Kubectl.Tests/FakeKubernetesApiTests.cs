using System.Net;
using System.Text.Json.Nodes;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Seeded = AgentOps.Testing.FakeKubernetesApi.Seeded;

namespace AgentOps.Tools.Kubectl.Tests;

/// <summary>
/// The fake API server driven by the unmodified KubernetesClient, configured from the kubeconfig the fake writes:
/// if these pass, the server under test talks to it exactly as it would to a real cluster.
/// </summary>
public sealed class FakeKubernetesApiTests : IDisposable
{
    private readonly FakeKubernetesApi _sut = FakeKubernetesApi.Start();
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("agentops-fake-kube-tests-");
    private readonly Kubernetes _client;

    public FakeKubernetesApiTests()
    {
        var kubeconfig = _sut.WriteKubeconfig(Path.Combine(_directory.FullName, "kubeconfig"));
        _client = new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(kubeconfig));
    }

    [Fact]
    public async Task Discovery_CoreAndApps_ServedResourcesListed()
    {
        var versions = await _client.CoreV1.GetAPIResourcesAsync();
        var groups = await _client.Apis.GetAPIVersionsAsync();
        var apps = await _client.AppsV1.GetAPIResourcesAsync();

        Assert.Contains(versions.Resources, r => r.Name == "pods/log");
        Assert.Contains(versions.Resources, r => r.Name == "namespaces" && !r.Namespaced);
        Assert.Contains(groups.Groups, g => g.Name == "apps" && g.PreferredVersion.GroupVersion == "apps/v1");
        Assert.Contains(apps.Resources, r => r.Name == "deployments/scale" && r.Kind == "Scale");
    }

    [Fact]
    public async Task AddObject_CustomGroup_DiscoverableAndReadable()
    {
        _sut.AddObject("platform.example.io/v1alpha1", "Database", "databases", Seeded.Payments, """{"metadata":{"name":"db1","namespace":"elsewhere"},"spec":{}}""");

        var groups = await _client.Apis.GetAPIVersionsAsync();
        var resources = await _client.CustomObjects.GetAPIResourcesAsync("platform.example.io", "v1alpha1");
        var claim = (JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(await _client.CustomObjects.GetNamespacedCustomObjectAsync("platform.example.io", "v1alpha1", Seeded.Payments, "databases", "db1"))))!;

        Assert.Contains(groups.Groups, g => g.Name == "platform.example.io");
        Assert.Contains(resources.Resources, r => r.Name == "databases" && r.Kind == "Database" && r.Namespaced);
        Assert.Equal(Seeded.Payments, claim["metadata"]!["namespace"]!.GetValue<string>());
        Assert.Equal("Database", claim["kind"]!.GetValue<string>());
    }

    [Fact]
    public async Task ListPods_TypedList_ResourceVersionAndItems()
    {
        var pods = await _client.CoreV1.ListNamespacedPodAsync(Seeded.Checkout);

        Assert.False(string.IsNullOrEmpty(pods.Metadata.ResourceVersion));
        var pod = Assert.Single(pods.Items);
        Assert.Equal(Seeded.CheckoutPod, pod.Metadata.Name);
        Assert.Equal("ImagePullBackOff", pod.Status.ContainerStatuses[0].State.Waiting.Reason);
    }

    [Fact]
    public async Task ListEvents_FieldSelector_OnlyTheObjectsEvents()
    {
        var events = await _client.CoreV1.ListNamespacedEventAsync(Seeded.Payments, fieldSelector: $"involvedObject.name={Seeded.PaymentsDeployment},involvedObject.kind=Deployment");

        var only = Assert.Single(events.Items);
        Assert.Equal("ScalingReplicaSet", only.Reason);
    }

    [Fact]
    public async Task ListReplicaSets_SetBasedLabelSelector_Filters()
    {
        var sets = await _client.AppsV1.ListNamespacedReplicaSetAsync(Seeded.Payments, labelSelector: "app=payments-api,pod-template-hash in (75dd4d49d5)");

        Assert.Equal([Seeded.PaymentsPreviousReplicaSet], sets.Items.Select(rs => rs.Metadata.Name));
    }

    [Fact]
    public async Task PodLog_TailLines_LastLines()
    {
        using var stream = await _client.CoreV1.ReadNamespacedPodLogAsync(Seeded.PaymentsPod, Seeded.Payments, tailLines: 1);
        using var reader = new StreamReader(stream);

        Assert.Equal(Seeded.LogLastLine + "\n", await reader.ReadToEndAsync());
    }

    [Fact]
    public async Task ScalePatch_Deployment_ReplicasChangedAndRequestRecorded()
    {
        var patch = new V1Patch("""{"spec":{"replicas":4}}""", V1Patch.PatchType.MergePatch);

        var scale = await _client.AppsV1.PatchNamespacedDeploymentScaleAsync(patch, Seeded.PaymentsDeployment, Seeded.Payments);
        var deployment = await _client.AppsV1.ReadNamespacedDeploymentAsync(Seeded.PaymentsDeployment, Seeded.Payments);

        Assert.Equal(4, scale.Spec.Replicas);
        Assert.Equal(4, deployment.Spec.Replicas);
        Assert.Equal("app=payments-api", scale.Status.Selector);
        var request = Assert.Single(_sut.RequestsTo("PATCH", "/apis/apps/v1/namespaces/payments/deployments/payments-api/scale"));
        Assert.Equal("""{"spec":{"replicas":4}}""", request.Body);
    }

    [Fact]
    public async Task ReplaceDeployment_StaleResourceVersion_Conflict()
    {
        var scale = await _client.AppsV1.ReadNamespacedDeploymentScaleAsync(Seeded.PaymentsDeployment, Seeded.Payments);
        await _client.AppsV1.PatchNamespacedDeploymentAsync(new V1Patch("""{"metadata":{"labels":{"touched":"yes"}}}""", V1Patch.PatchType.MergePatch), Seeded.PaymentsDeployment, Seeded.Payments);
        var stale = new V1Deployment { Metadata = new V1ObjectMeta { Name = Seeded.PaymentsDeployment, ResourceVersion = scale.Metadata.ResourceVersion } };

        var error = await Assert.ThrowsAsync<HttpOperationException>(() => _client.AppsV1.ReplaceNamespacedDeploymentAsync(stale, Seeded.PaymentsDeployment, Seeded.Payments));

        Assert.Equal(HttpStatusCode.Conflict, error.Response.StatusCode);
    }

    [Fact]
    public async Task Get_Missing_NotFoundStatus()
    {
        var error = await Assert.ThrowsAsync<HttpOperationException>(() => _client.CoreV1.ReadNamespacedPodAsync("ghost", Seeded.Payments));

        Assert.Equal(HttpStatusCode.NotFound, error.Response.StatusCode);
        Assert.Contains("pods \\\"ghost\\\" not found", error.Response.Content, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FailWith_InjectedStatus_ThenCleared()
    {
        _sut.FailWith(503, "/api/v1/namespaces");

        var error = await Assert.ThrowsAsync<HttpOperationException>(() => _client.CoreV1.ListNamespaceAsync());
        _sut.ClearFaults();
        var namespaces = await _client.CoreV1.ListNamespaceAsync();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, error.Response.StatusCode);
        Assert.Equal(4, namespaces.Items.Count);
    }

    [Fact]
    public async Task Request_WithoutBearerToken_Unauthorized()
    {
        using var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = HttpClientHandler.DangerousAcceptAnyServerCertificateValidator };
        using var http = new HttpClient(handler);

        using var response = await http.GetAsync(new Uri(_sut.Url + "/api/v1/namespaces"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    public void Dispose()
    {
        _client.Dispose();
        _sut.Dispose();
        _directory.Delete(recursive: true);
    }
}
