using System.ComponentModel;
using System.Text;
using AgentOps.Tools.Hosting;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace AgentOps.Tools.Kubectl;

/// <summary>Namespaces, pods, pod logs and events: the reads an agent starts an investigation with.</summary>
[McpServerToolType]
internal sealed class ClusterReadTools(KubernetesResources api, KubernetesSummaries summaries, KubernetesObjectHygiene hygiene, KubectlOptions options)
{
    public const string PodLogsOrigin = "pod-logs";
    private const int DefaultTailLines = 200;
    private const int MaxTailLines = 5000;
    private const int MaxEvents = 500;

    [McpServerTool(Name = "namespaces_list", ReadOnly = true, Destructive = false, Idempotent = true, UseStructuredContent = true)]
    [Description("List the cluster's namespaces with their phase and labels. Scope: k8s:read:cluster.")]
    public async Task<NamespaceList> NamespacesList(RequestContext<CallToolRequestParams> context, CancellationToken cancellationToken)
    {
        _ = CallerCredential.From(context);
        var list = await api.ListAsync(ResourceRef.Namespaces, null, cancellationToken).ConfigureAwait(false);
        var items = list.Objects("items").Select(KubernetesSummaries.Namespace).OrderBy(n => n.Name, StringComparer.Ordinal).ToArray();
        return new NamespaceList(items.Length, items);
    }

    [McpServerTool(Name = "pods_list", ReadOnly = true, Destructive = false, Idempotent = true, UseStructuredContent = true)]
    [Description("List the pods of a namespace with status (e.g. CrashLoopBackOff), readiness, restarts and containers. Scope: k8s:read:ns/<namespace>.")]
    public async Task<PodList> PodsList(
        RequestContext<CallToolRequestParams> context,
        [Description("Namespace, e.g. payments")] string @namespace,
        [Description("Optional label selector, e.g. app=payments-api")] string? labelSelector = null,
        CancellationToken cancellationToken = default)
    {
        _ = CallerCredential.From(context);
        var ns = KubernetesNames.RequireNamespace(@namespace);
        var selector = Selectors.RequireLabelSelector(labelSelector);
        var list = await api.ListAsync(ResourceRef.Pods, ns, cancellationToken, labelSelector: selector).ConfigureAwait(false);
        var pods = list.Objects("items").Select(summaries.Pod).OrderBy(p => p.Name, StringComparer.Ordinal).ToArray();
        return new PodList(ns, selector, pods.Length, pods);
    }

    [McpServerTool(Name = "pod_get", ReadOnly = true, Destructive = false, Idempotent = true, UseStructuredContent = true)]
    [Description("Get one pod: its summary and its manifest (managedFields removed, annotations marked untrusted, secret-named env values redacted). Scope: k8s:read:ns/<namespace>.")]
    public async Task<PodDetail> PodGet(
        RequestContext<CallToolRequestParams> context,
        [Description("Namespace of the pod")] string @namespace,
        [Description("Pod name")] string name,
        CancellationToken cancellationToken = default)
    {
        _ = CallerCredential.From(context);
        var ns = KubernetesNames.RequireNamespace(@namespace);
        var pod = KubernetesNames.RequireName(name, "pod");
        var manifest = await api.GetAsync(ResourceRef.Pods, ns, pod, cancellationToken).ConfigureAwait(false);
        var summary = summaries.Pod(manifest);
        return new PodDetail(summary, hygiene.Clean(manifest, isSecret: false));
    }

    [McpServerTool(Name = "pod_logs", ReadOnly = true, Destructive = false, Idempotent = true, UseStructuredContent = true)]
    [Description("Read a container's log, returned as untrusted text (origin pod-logs) with secrets redacted; long logs keep their end (64 KiB by default). Scope: k8s:read:ns/<namespace>.")]
    public async Task<PodLogs> PodLogs(
        RequestContext<CallToolRequestParams> context,
        [Description("Namespace of the pod")] string @namespace,
        [Description("Pod name")] string name,
        [Description("Container name; needed only when the pod has more than one")] string? container = null,
        [Description("Number of lines from the end (1-5000, default 200)")] int? tailLines = null,
        [Description("Only lines written in the last N seconds")] int? sinceSeconds = null,
        [Description("The previous, terminated instance of the container (after a crash)")] bool previous = false,
        CancellationToken cancellationToken = default)
    {
        _ = CallerCredential.From(context);
        var ns = KubernetesNames.RequireNamespace(@namespace);
        var pod = KubernetesNames.RequireName(name, "pod");
        var containerName = string.IsNullOrEmpty(container) ? null : KubernetesNames.RequireContainer(container);
        var tail = tailLines ?? DefaultTailLines;
        if (tail is < 1 or > MaxTailLines)
        {
            throw new McpException($"tailLines must be between 1 and {MaxTailLines}.");
        }
        if (sinceSeconds is < 1)
        {
            throw new McpException("sinceSeconds must be a positive number of seconds.");
        }
        var (text, truncated) = await api.ReadLogAsync(ns, pod, containerName, previous, sinceSeconds, tail,
            (stream, token) => ReadTailAsync(stream, options.MaxLogBytes, token), cancellationToken).ConfigureAwait(false);
        var lines = text.Length == 0 ? 0 : text.Count(c => c == '\n') + (text.EndsWith('\n') ? 0 : 1);
        return new PodLogs(ns, pod, containerName, tail, sinceSeconds, lines, truncated, hygiene.Untrusted(PodLogsOrigin, text));
    }

    [McpServerTool(Name = "events_list", ReadOnly = true, Destructive = false, Idempotent = true, UseStructuredContent = true)]
    [Description("List the events about one object (newest last); event messages are untrusted text (origin k8s-events). Scope: k8s:read:ns/<namespace>.")]
    public async Task<EventList> EventsList(
        RequestContext<CallToolRequestParams> context,
        [Description("Namespace of the object")] string @namespace,
        [Description("Name of the object the events are about, e.g. a pod name")] string name,
        [Description("Kind of the object, e.g. Pod or Deployment; any kind when omitted")] string? kind = null,
        [Description("The most events to return (1-500, default 50), keeping the newest")] int limit = 50,
        CancellationToken cancellationToken = default)
    {
        _ = CallerCredential.From(context);
        var ns = KubernetesNames.RequireNamespace(@namespace);
        var objectName = KubernetesNames.RequireName(name, "object");
        if (kind is { Length: > 0 } && !Selectors.IsKind(kind))
        {
            throw new McpException($"'{kind}' is not a kind: expected a name such as Pod or Deployment.");
        }
        if (limit is < 1 or > MaxEvents)
        {
            throw new McpException($"limit must be between 1 and {MaxEvents}.");
        }
        var selector = $"involvedObject.name={objectName}" + (kind is { Length: > 0 } ? $",involvedObject.kind={kind}" : string.Empty);
        var list = await api.ListAsync(ResourceRef.Events, ns, cancellationToken, fieldSelector: selector).ConfigureAwait(false);
        var events = list.Objects("items").Select(summaries.Event).OrderBy(e => e.LastSeen ?? DateTimeOffset.MinValue).TakeLast(limit).ToArray();
        return new EventList(ns, string.IsNullOrEmpty(kind) ? null : kind, objectName, events.Length, events);
    }

    // Logs can be large and only their end matters for a diagnosis: read a bounded amount, keep the last
    // maxBytes, and start at a line boundary so no line (or UTF-8 sequence) is cut in half.
    private static async Task<(string Text, bool Truncated)> ReadTailAsync(Stream stream, int maxBytes, CancellationToken cancellationToken)
    {
        var hardCap = maxBytes * 8L;
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        var truncated = false;
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > hardCap)
            {
                truncated = true;
                break;
            }
        }
        var bytes = buffer.GetBuffer().AsSpan(0, (int)buffer.Length);
        if (bytes.Length > maxBytes)
        {
            truncated = true;
            bytes = bytes[^maxBytes..];
            var newline = bytes.IndexOf((byte)'\n');
            bytes = newline >= 0 ? bytes[(newline + 1)..] : bytes;
        }
        return (Encoding.UTF8.GetString(bytes), truncated);
    }
}
