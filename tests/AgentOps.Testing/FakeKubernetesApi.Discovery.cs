using System.Text.Json.Nodes;

namespace AgentOps.Testing;

/// <summary>One kind the fake serves: where it lives in the API and how discovery describes it.</summary>
/// <param name="Group">API group; empty for the core group (<c>/api/v1</c>).</param>
/// <param name="BuiltIn">Built-in lists drop <c>apiVersion</c>/<c>kind</c> from their items, as the real API server does; custom resources keep them.</param>
public sealed record KubernetesResourceType(
    string Group,
    string Version,
    string Plural,
    string Singular,
    string Kind,
    bool Namespaced,
    IReadOnlyList<string> ShortNames,
    bool BuiltIn = false)
{
    public string GroupVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";

    public string ListKind => Kind + "List";

    /// <summary>The collection path, e.g. <c>/apis/apps/v1/namespaces/payments/deployments</c>.</summary>
    public string CollectionPath(string? @namespace) =>
        (Group.Length == 0 ? "/api/v1" : $"/apis/{Group}/{Version}") + (Namespaced && @namespace is not null ? $"/namespaces/{@namespace}" : string.Empty) + "/" + Plural;
}

public sealed partial class FakeKubernetesApi
{
    /// <summary>The version <c>/version</c> reports; the Go clients only need a well-formed answer.</summary>
    public const string GitVersion = "v1.31.4";

    private static readonly string[] s_allVerbs = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];

    private static IEnumerable<KubernetesResourceType> BuiltInTypes()
    {
        yield return new("", "v1", "namespaces", "namespace", "Namespace", Namespaced: false, ["ns"], BuiltIn: true);
        yield return new("", "v1", "pods", "pod", "Pod", Namespaced: true, ["po"], BuiltIn: true);
        yield return new("", "v1", "events", "event", "Event", Namespaced: true, ["ev"], BuiltIn: true);
        yield return new("", "v1", "configmaps", "configmap", "ConfigMap", Namespaced: true, ["cm"], BuiltIn: true);
        yield return new("", "v1", "secrets", "secret", "Secret", Namespaced: true, [], BuiltIn: true);
        yield return new("", "v1", "services", "service", "Service", Namespaced: true, ["svc"], BuiltIn: true);
        yield return new("apps", "v1", "deployments", "deployment", "Deployment", Namespaced: true, ["deploy"], BuiltIn: true);
        yield return new("apps", "v1", "replicasets", "replicaset", "ReplicaSet", Namespaced: true, ["rs"], BuiltIn: true);
    }

    // Subresources are listed in discovery beside their parent, the way the API server lists them.
    private static IEnumerable<JsonObject> Subresources(KubernetesResourceType type) => (type.Group, type.Plural) switch
    {
        ("", "pods") => [ApiResource("pods/log", "", true, "Pod", ["get"], [], "", "v1")],
        ("apps", "deployments") => [ApiResource("deployments/scale", "", true, "Scale", ["get", "patch", "update"], [], "autoscaling", "v1")],
        _ => [],
    };

    private JsonObject ApiVersions() => new()
    {
        ["kind"] = "APIVersions",
        ["versions"] = new JsonArray("v1"),
        ["serverAddressByClientCIDRs"] = new JsonArray(new JsonObject { ["clientCIDR"] = "0.0.0.0/0", ["serverAddress"] = _authority }),
    };

    private JsonObject ApiGroupList()
    {
        lock (_gate)
        {
            var groups = new JsonArray();
            foreach (var group in _types.Values.Where(t => t.Group.Length > 0).GroupBy(t => t.Group).OrderBy(g => g.Key, StringComparer.Ordinal))
            {
                groups.Add(ApiGroup(group.Key, group.Select(t => t.Version).Distinct().ToArray()));
            }
            return new JsonObject { ["kind"] = "APIGroupList", ["apiVersion"] = "v1", ["groups"] = groups };
        }
    }

    private static JsonObject ApiGroup(string name, IReadOnlyList<string> versions) => new()
    {
        ["kind"] = "APIGroup",
        ["apiVersion"] = "v1",
        ["name"] = name,
        ["versions"] = new JsonArray(versions.Select(v => (JsonNode)new JsonObject { ["groupVersion"] = $"{name}/{v}", ["version"] = v }).ToArray()),
        ["preferredVersion"] = new JsonObject { ["groupVersion"] = $"{name}/{versions[0]}", ["version"] = versions[0] },
    };

    private JsonObject? ApiGroupDocument(string group)
    {
        lock (_gate)
        {
            var versions = _types.Values.Where(t => t.Group == group).Select(t => t.Version).Distinct().ToArray();
            return versions.Length == 0 ? null : ApiGroup(group, versions);
        }
    }

    private JsonObject? ApiResourceList(string group, string version)
    {
        lock (_gate)
        {
            var types = _types.Values.Where(t => t.Group == group && t.Version == version).OrderBy(t => t.Plural, StringComparer.Ordinal).ToArray();
            if (types.Length == 0)
            {
                return null;
            }
            var resources = new JsonArray();
            foreach (var type in types)
            {
                resources.Add(ApiResource(type.Plural, type.Singular, type.Namespaced, type.Kind, s_allVerbs, type.ShortNames, null, null));
                foreach (var sub in Subresources(type))
                {
                    resources.Add(sub);
                }
            }
            return new JsonObject
            {
                ["kind"] = "APIResourceList",
                ["apiVersion"] = "v1",
                ["groupVersion"] = group.Length == 0 ? version : $"{group}/{version}",
                ["resources"] = resources,
            };
        }
    }

    private static JsonObject ApiResource(string name, string singular, bool namespaced, string kind, IReadOnlyList<string> verbs, IReadOnlyList<string> shortNames, string? group, string? version)
    {
        var resource = new JsonObject
        {
            ["name"] = name,
            ["singularName"] = singular,
            ["namespaced"] = namespaced,
            ["kind"] = kind,
            ["verbs"] = new JsonArray(verbs.Select(v => (JsonNode)JsonValue.Create(v)).ToArray()),
        };
        if (group is not null)
        {
            resource["group"] = group;
            resource["version"] = version;
        }
        if (shortNames.Count > 0)
        {
            resource["shortNames"] = new JsonArray(shortNames.Select(s => (JsonNode)JsonValue.Create(s)).ToArray());
        }
        return resource;
    }

    private static JsonObject VersionInfo() => new()
    {
        ["major"] = "1",
        ["minor"] = "31",
        ["gitVersion"] = GitVersion,
        ["gitCommit"] = "0000000000000000000000000000000000000000",
        ["gitTreeState"] = "clean",
        ["buildDate"] = "2024-12-10T00:00:00Z",
        ["goVersion"] = "go1.22.9",
        ["compiler"] = "gc",
        ["platform"] = "linux/amd64",
    };
}
