using System.Globalization;
using System.Text.Json.Nodes;
using ModelContextProtocol;

namespace AgentOps.Tools.Kubectl;

/// <summary>
/// Objects as JSON, for any group/version/resource, through <see cref="KubernetesBackend"/>: the core group under
/// <c>/api/v1</c>, every other group under <c>/apis/{group}/{version}</c>. Typed models are not used; a tool needs
/// only a few fields, and their serializer metadata would dominate a cold start.
/// </summary>
internal sealed class KubernetesResources(KubernetesBackend backend)
{
    public const string FieldManager = "agentops-kubectl";

    public async Task<JsonObject> GetAsync(ResourceRef resource, string? ns, string name, CancellationToken cancellationToken)
    {
        var operation = $"get {resource.Plural} {Where(ns, name)}";
        var raw = await backend.ReadAsync(operation, (api, token) => api.GetAsync(resource.Path(ns, name), token), cancellationToken).ConfigureAwait(false);
        return AsObject(raw, operation);
    }

    public async Task<JsonObject> ListAsync(ResourceRef resource, string? ns, CancellationToken cancellationToken, string? labelSelector = null, string? fieldSelector = null, int? limit = null, string? continueToken = null)
    {
        var operation = ns is null ? $"list {resource.Plural} cluster-wide" : $"list {resource.Plural} in {ns}";
        var path = resource.Path(ns) + Query(
            ("labelSelector", labelSelector), ("fieldSelector", fieldSelector), ("limit", limit?.ToString(CultureInfo.InvariantCulture)), ("continue", continueToken));
        var raw = await backend.ReadAsync(operation, (api, token) => api.GetAsync(path, token), cancellationToken).ConfigureAwait(false);
        return AsObject(raw, operation);
    }

    public async Task<JsonObject> GetScaleAsync(ResourceRef resource, string ns, string name, CancellationToken cancellationToken)
    {
        var operation = $"get scale of {resource.Plural} {Where(ns, name)}";
        var raw = await backend.ReadAsync(operation, (api, token) => api.GetAsync(resource.Path(ns, name, "scale"), token), cancellationToken).ConfigureAwait(false);
        return AsObject(raw, operation);
    }

    /// <summary>A change: sent once, never retried.</summary>
    public async Task<JsonObject> PatchScaleAsync(ResourceRef resource, string ns, string name, JsonObject mergePatch, CancellationToken cancellationToken)
    {
        var operation = $"scale {resource.Plural} {Where(ns, name)}";
        var path = resource.Path(ns, name, "scale") + Query(("fieldManager", FieldManager));
        var raw = await backend.WriteAsync(operation, (api, token) => api.PatchAsync(path, mergePatch.ToJsonString(), PatchKind.Merge, token), cancellationToken).ConfigureAwait(false);
        return AsObject(raw, operation);
    }

    /// <summary>A change: sent once, never retried.</summary>
    public async Task<JsonObject> PatchAsync(ResourceRef resource, string ns, string name, JsonObject patchBody, PatchKind kind, string operation, CancellationToken cancellationToken)
    {
        var path = resource.Path(ns, name) + Query(("fieldManager", FieldManager));
        var raw = await backend.WriteAsync(operation, (api, token) => api.PatchAsync(path, patchBody.ToJsonString(), kind, token), cancellationToken).ConfigureAwait(false);
        return AsObject(raw, operation);
    }

    /// <summary>A container's log as a stream, read by <paramref name="read"/> within the same deadline and retries.</summary>
    public Task<T> ReadLogAsync<T>(string ns, string pod, string? container, bool previous, int? sinceSeconds, int tailLines, Func<Stream, CancellationToken, Task<T>> read, CancellationToken cancellationToken)
    {
        var path = ResourceRef.Pods.Path(ns, pod, "log") + Query(
            ("container", container), ("previous", previous ? "true" : null),
            ("sinceSeconds", sinceSeconds?.ToString(CultureInfo.InvariantCulture)), ("tailLines", tailLines.ToString(CultureInfo.InvariantCulture)));
        return backend.ReadAsync($"read logs of pod {ns}/{pod}", (api, token) => api.ReadStreamAsync(path, read, token), cancellationToken);
    }

    private static string Where(string? ns, string name) => ns is null ? name : $"{ns}/{name}";

    private static string Query(params (string Name, string? Value)[] parameters)
    {
        var present = parameters.Where(p => p.Value is not null).Select(p => $"{p.Name}={Uri.EscapeDataString(p.Value!)}").ToArray();
        return present.Length == 0 ? string.Empty : "?" + string.Join('&', present);
    }

    private static JsonObject AsObject(JsonNode? raw, string operation) =>
        raw as JsonObject ?? throw new McpException($"the Kubernetes API answered {operation} with something that is not an object");
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

    /// <summary>The request path, relative to the API server: collection, object, or an object's subresource.</summary>
    public string Path(string? ns, string? name = null, string? subresource = null)
    {
        var path = new System.Text.StringBuilder(Group.Length == 0 ? "api/" + Segment(Version) : $"apis/{Segment(Group)}/{Segment(Version)}");
        if (ns is not null)
        {
            path.Append("/namespaces/").Append(Segment(ns));
        }
        path.Append('/').Append(Segment(Plural));
        if (name is not null)
        {
            path.Append('/').Append(Segment(name));
            if (subresource is not null)
            {
                path.Append('/').Append(Segment(subresource));
            }
        }
        return path.ToString();
    }

    // Names are validated before they get here; escaping still keeps a stray '/' or '?' from changing the request.
    private static string Segment(string value) => Uri.EscapeDataString(value);

    public bool IsSecret => Group.Length == 0 && Plural == "secrets";
}
