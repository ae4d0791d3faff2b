using System.Text.Json;
using AgentOps.Core;
using AgentOps.Tools.Hosting;

namespace AgentOps.Tools.Kubectl;

/// <summary>
/// Reads in a namespace need <c>k8s:read:ns/&lt;namespace&gt;</c>; cluster-wide reads (namespaces, cluster-scoped kinds,
/// any kind across all namespaces) need <c>k8s:read:cluster</c>. Writes name their deployment:
/// <c>k8s:scale:ns/&lt;ns&gt;/deployment/&lt;name&gt;</c> and <c>k8s:restart:ns/&lt;ns&gt;/deployment/&lt;name&gt;</c>.
/// A missing or malformed namespace or name yields a resource no token is minted for; the tool then refuses it too.
/// </summary>
internal sealed class KubectlScopes : IToolScopeResolver
{
    public const string Server = "k8s";
    private const string Invalid = "<invalid>";

    private static readonly HashSet<string> s_namespacedReads = ["pods_list", "pod_get", "pod_logs", "events_list", "deployment_get", "rollout_history"];

    public Scope? RequiredScope(string toolName, IReadOnlyDictionary<string, JsonElement> arguments) => toolName switch
    {
        "namespaces_list" => Cluster(),
        _ when s_namespacedReads.Contains(toolName) => Namespaced(arguments),
        "resource_get" or "resources_list" => HasValue(arguments, "namespace") ? Namespaced(arguments) : Cluster(),
        "deployment_scale" => new Scope(Server, "scale", Deployment(arguments)),
        "rollout_restart" => new Scope(Server, "restart", Deployment(arguments)),
        _ => null,
    };

    private static Scope Cluster() => new(Server, "read", "cluster");

    private static Scope Namespaced(IReadOnlyDictionary<string, JsonElement> arguments) => new(Server, "read", "ns/" + Namespace(arguments));

    private static string Deployment(IReadOnlyDictionary<string, JsonElement> arguments)
    {
        var name = Text(arguments, "name");
        return $"ns/{Namespace(arguments)}/deployment/{(KubernetesNames.IsObjectName(name) ? name : Invalid)}";
    }

    private static string Namespace(IReadOnlyDictionary<string, JsonElement> arguments) =>
        Text(arguments, "namespace") is var ns && KubernetesNames.IsNamespace(ns) ? ns : Invalid;

    private static bool HasValue(IReadOnlyDictionary<string, JsonElement> arguments, string name) =>
        arguments.TryGetValue(name, out var value) && !(value.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined || value.ValueKind == JsonValueKind.String && value.GetString()!.Length == 0);

    private static string? Text(IReadOnlyDictionary<string, JsonElement> arguments, string name) =>
        arguments.TryGetValue(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
