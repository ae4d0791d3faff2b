using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using ModelContextProtocol;

namespace AgentOps.Tools.Kubectl;

/// <summary>
/// Objects as JSON, for any group/version/resource, through <see cref="KubernetesBackend"/>. KubernetesClient is the
/// transport (kubeconfig, auth, TLS, URLs, core group at <c>/api/v1</c>); its typed models are not used, because
/// building their serializer metadata would dominate a cold start and a tool needs only a few fields.
/// </summary>
internal sealed class KubernetesResources(KubernetesBackend backend)
{
    public const string FieldManager = "agentops-kubectl";

    public async Task<JsonObject> GetAsync(ResourceRef resource, string? ns, string name, CancellationToken cancellationToken)
    {
        var operation = $"get {resource.Plural} {Where(ns, name)}";
        var raw = await backend.ReadAsync(operation, (client, token) => ns is null
            ? client.CustomObjects.GetClusterCustomObjectAsync(resource.Group, resource.Version, resource.Plural, name, token)
            : client.CustomObjects.GetNamespacedCustomObjectAsync(resource.Group, resource.Version, ns, resource.Plural, name, token), cancellationToken).ConfigureAwait(false);
        return AsObject(raw, operation);
    }

    public async Task<JsonObject> ListAsync(ResourceRef resource, string? ns, CancellationToken cancellationToken, string? labelSelector = null, string? fieldSelector = null, int? limit = null, string? continueToken = null)
    {
        var operation = ns is null ? $"list {resource.Plural} cluster-wide" : $"list {resource.Plural} in {ns}";
        var raw = await backend.ReadAsync(operation, (client, token) => ns is null
            ? client.CustomObjects.ListClusterCustomObjectAsync(resource.Group, resource.Version, resource.Plural, continueParameter: continueToken, fieldSelector: fieldSelector, labelSelector: labelSelector, limit: limit, cancellationToken: token)
            : client.CustomObjects.ListNamespacedCustomObjectAsync(resource.Group, resource.Version, ns, resource.Plural, continueParameter: continueToken, fieldSelector: fieldSelector, labelSelector: labelSelector, limit: limit, cancellationToken: token), cancellationToken).ConfigureAwait(false);
        return AsObject(raw, operation);
    }

    public async Task<JsonObject> GetScaleAsync(ResourceRef resource, string ns, string name, CancellationToken cancellationToken)
    {
        var operation = $"get scale of {resource.Plural} {Where(ns, name)}";
        var raw = await backend.ReadAsync(operation, (client, token) => client.CustomObjects.GetNamespacedCustomObjectScaleAsync(resource.Group, resource.Version, ns, resource.Plural, name, token), cancellationToken).ConfigureAwait(false);
        return AsObject(raw, operation);
    }

    /// <summary>A change: sent once, never retried.</summary>
    public async Task<JsonObject> PatchScaleAsync(ResourceRef resource, string ns, string name, JsonObject mergePatch, CancellationToken cancellationToken)
    {
        var operation = $"scale {resource.Plural} {Where(ns, name)}";
        var patch = new V1Patch(mergePatch.ToJsonString(), V1Patch.PatchType.MergePatch);
        var raw = await backend.WriteAsync(operation, (client, token) => client.CustomObjects.PatchNamespacedCustomObjectScaleAsync(patch, resource.Group, resource.Version, ns, resource.Plural, name, fieldManager: FieldManager, cancellationToken: token), cancellationToken).ConfigureAwait(false);
        return AsObject(raw, operation);
    }

    /// <summary>A change: sent once, never retried.</summary>
    public async Task<JsonObject> PatchAsync(ResourceRef resource, string ns, string name, JsonObject patchBody, V1Patch.PatchType type, string operation, CancellationToken cancellationToken)
    {
        var patch = new V1Patch(patchBody.ToJsonString(), type);
        var raw = await backend.WriteAsync(operation, (client, token) => client.CustomObjects.PatchNamespacedCustomObjectAsync(patch, resource.Group, resource.Version, ns, resource.Plural, name, fieldManager: FieldManager, cancellationToken: token), cancellationToken).ConfigureAwait(false);
        return AsObject(raw, operation);
    }

    /// <summary>A container's log as a stream, read by <paramref name="read"/> within the same deadline and retries.</summary>
    public Task<T> ReadLogAsync<T>(string ns, string pod, string? container, bool previous, int? sinceSeconds, int tailLines, Func<Stream, CancellationToken, Task<T>> read, CancellationToken cancellationToken) =>
        backend.ReadAsync($"read logs of pod {ns}/{pod}", async (client, token) =>
        {
            var stream = await client.CoreV1.ReadNamespacedPodLogAsync(
                pod, ns, container: container, previous: previous ? true : null, sinceSeconds: sinceSeconds, tailLines: tailLines, cancellationToken: token).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                return await read(stream, token).ConfigureAwait(false);
            }
        }, cancellationToken);

    private static string Where(string? ns, string name) => ns is null ? name : $"{ns}/{name}";

    private static JsonObject AsObject(object? raw, string operation) => raw switch
    {
        JsonElement { ValueKind: JsonValueKind.Object } element => JsonObject.Create(element)!,
        _ => throw new McpException($"the Kubernetes API answered {operation} with something that is not an object"),
    };
}

/// <summary>A resource by group, version and plural name; the core group is the empty string.</summary>
internal sealed record ResourceRef(string Group, string Version, string Plural)
{
    public static readonly ResourceRef Namespaces = new(string.Empty, "v1", "namespaces");
    public static readonly ResourceRef Pods = new(string.Empty, "v1", "pods");
    public static readonly ResourceRef Events = new(string.Empty, "v1", "events");
    public static readonly ResourceRef Deployments = new("apps", "v1", "deployments");
    public static readonly ResourceRef ReplicaSets = new("apps", "v1", "replicasets");

    public string ApiVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";

    public bool IsSecret => Group.Length == 0 && Plural == "secrets";
}
