using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace AgentOps.Testing;

public sealed partial class FakeKubernetesApi
{
    /// <summary>Serves a kind (and lists it in discovery) without adding any object of it.</summary>
    public void AddResourceType(KubernetesResourceType type)
    {
        ArgumentNullException.ThrowIfNull(type);
        lock (_gate)
        {
            var key = TypeKey(type.Group, type.Version, type.Plural);
            if (!_types.TryGetValue(key, out var existing))
            {
                _types[key] = type;
                _objects[type] = new SortedDictionary<string, JsonObject>(StringComparer.Ordinal);
            }
            else if (existing.Kind != type.Kind || existing.Namespaced != type.Namespaced)
            {
                throw new InvalidOperationException($"{key} is already served as {existing.Kind} (namespaced: {existing.Namespaced}).");
            }
        }
    }

    /// <summary>
    /// Adds an object of any kind, e.g. a Crossplane claim: <c>AddObject("platform.example.io/v1alpha1", "Database", "databases", "payments", json)</c>
    /// serves it at <c>/apis/platform.example.io/v1alpha1/namespaces/payments/databases/&lt;name&gt;</c> and lists the group in discovery.
    /// A null namespace makes the kind cluster-scoped. The object's <c>metadata.namespace</c> is set to <paramref name="namespace"/>.
    /// Returns a copy of the stored object.
    /// </summary>
    public JsonObject AddObject(string apiVersion, string kind, string plural, string? @namespace, string json)
    {
        ArgumentException.ThrowIfNullOrEmpty(apiVersion);
        ArgumentException.ThrowIfNullOrEmpty(kind);
        ArgumentException.ThrowIfNullOrEmpty(plural);
        var node = JsonNode.Parse(json) as JsonObject ?? throw new ArgumentException("The object must be a JSON object.", nameof(json));
        var (group, version) = SplitApiVersion(apiVersion);
        var type = FindType(group, version, plural)
            ?? new KubernetesResourceType(group, version, plural, kind.ToLowerInvariant(), kind, @namespace is not null, []);
        AddResourceType(type);
        node["apiVersion"] = apiVersion;
        node["kind"] = kind;
        return Store(type, @namespace, node).DeepClone().AsObject();
    }

    /// <summary>A copy of a stored object, or null; use it to assert what a write changed.</summary>
    public JsonObject? GetObject(string apiVersion, string plural, string? @namespace, string name)
    {
        var (group, version) = SplitApiVersion(apiVersion);
        var type = FindType(group, version, plural);
        if (type is null)
        {
            return null;
        }
        lock (_gate)
        {
            return _objects[type].TryGetValue(ObjectKey(type.Namespaced ? @namespace : null, name), out var found) ? found.DeepClone().AsObject() : null;
        }
    }

    private static (string Group, string Version) SplitApiVersion(string apiVersion)
    {
        var slash = apiVersion.IndexOf('/', StringComparison.Ordinal);
        return slash < 0 ? (string.Empty, apiVersion) : (apiVersion[..slash], apiVersion[(slash + 1)..]);
    }

    // Fills what the API server owns (uid, resourceVersion, creationTimestamp) and drops selfLink, which servers
    // stopped populating in 1.20.
    private JsonObject Store(KubernetesResourceType type, string? ns, JsonObject obj)
    {
        var metadata = obj["metadata"] as JsonObject ?? new JsonObject();
        obj["metadata"] = metadata;
        var name = metadata["name"]?.GetValue<string>() ?? throw new ArgumentException("The object has no metadata.name.");
        if (type.Namespaced)
        {
            metadata["namespace"] = ns ?? throw new ArgumentException($"{type.Kind} is namespaced: give a namespace.");
        }
        else
        {
            metadata.Remove("namespace");
        }
        metadata.Remove("selfLink");
        metadata["uid"] ??= Guid.NewGuid().ToString();
        metadata["creationTimestamp"] ??= Timestamp(_time.GetUtcNow());
        metadata["resourceVersion"] = NextResourceVersion();
        lock (_gate)
        {
            _objects[type][ObjectKey(type.Namespaced ? ns : null, name)] = obj;
        }
        return obj;
    }

    private JsonObject List(KubernetesResourceType type, string? ns, IReadOnlyDictionary<string, string> query)
    {
        var labels = Selector.ParseLabels(query.GetValueOrDefault("labelSelector"));
        var fields = Selector.ParseFields(query.GetValueOrDefault("fieldSelector"));
        var limit = query.TryGetValue("limit", out var l) && int.TryParse(l, out var parsed) && parsed > 0 ? parsed : int.MaxValue;
        var after = query.TryGetValue("continue", out var token) && token.Length > 0 ? DecodeContinue(token) : null;
        List<KeyValuePair<string, JsonObject>> matching;
        lock (_gate)
        {
            matching = _objects[type]
                .Where(p => ns is null || p.Value["metadata"]?["namespace"]?.GetValue<string>() == ns)
                .Where(p => after is null || string.CompareOrdinal(p.Key, after) > 0)
                .Where(p => labels.MatchesLabels(p.Value["metadata"]?["labels"] as JsonObject) && fields.MatchesFields(p.Value))
                .ToList();
        }
        var page = matching.Take(limit).ToArray();
        var metadata = new JsonObject { ["resourceVersion"] = Interlocked.Read(ref _resourceVersion).ToString(System.Globalization.CultureInfo.InvariantCulture) };
        if (matching.Count > page.Length)
        {
            metadata["continue"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(page[^1].Key));
            metadata["remainingItemCount"] = matching.Count - page.Length;
        }
        var items = new JsonArray();
        foreach (var (_, obj) in page)
        {
            var item = obj.DeepClone().AsObject();
            if (type.BuiltIn)
            {
                item.Remove("apiVersion");
                item.Remove("kind");
            }
            items.Add(item);
        }
        return new JsonObject { ["apiVersion"] = type.GroupVersion, ["kind"] = type.ListKind, ["metadata"] = metadata, ["items"] = items };
    }

    private static string DecodeContinue(string token)
    {
        try
        {
            return Encoding.UTF8.GetString(Convert.FromBase64String(token));
        }
        catch (FormatException)
        {
            throw new ApiError(400, "BadRequest", "continue key is not valid: illegal base64 data");
        }
    }

    private JsonObject Get(KubernetesResourceType type, string? ns, string name)
    {
        lock (_gate)
        {
            return Find(type, ns, name).DeepClone().AsObject();
        }
    }

    // Callers hold _gate.
    private JsonObject Find(KubernetesResourceType type, string? ns, string name) =>
        _objects[type].TryGetValue(ObjectKey(ns, name), out var found) ? found : throw NotFound(type, name);

    private JsonObject Create(KubernetesResourceType type, string? ns, string? body)
    {
        var obj = ParseBody(body);
        var name = obj["metadata"]?["name"]?.GetValue<string>();
        if (string.IsNullOrEmpty(name) && obj["metadata"]?["generateName"]?.GetValue<string>() is { Length: > 0 } prefix)
        {
            name = prefix + Guid.NewGuid().ToString("N")[..5];
            obj["metadata"]!["name"] = name;
        }
        if (string.IsNullOrEmpty(name))
        {
            throw new ApiError(422, "Invalid", $"{type.Kind} \"\" is invalid: metadata.name: Required value: name or generateName is required");
        }
        lock (_gate)
        {
            if (_objects[type].ContainsKey(ObjectKey(ns, name)))
            {
                throw new ApiError(409, "AlreadyExists", $"{Qualified(type)} \"{name}\" already exists", Details(type, name));
            }
            obj["apiVersion"] = type.GroupVersion;
            obj["kind"] = type.Kind;
            return Store(type, ns, obj).DeepClone().AsObject();
        }
    }

    private JsonObject Replace(KubernetesResourceType type, string? ns, string name, string? body)
    {
        var replacement = ParseBody(body);
        lock (_gate)
        {
            var current = Find(type, ns, name);
            var sent = replacement["metadata"]?["resourceVersion"]?.GetValue<string>();
            if (sent is not null && sent != current["metadata"]!["resourceVersion"]!.GetValue<string>())
            {
                throw new ApiError(409, "Conflict", $"Operation cannot be fulfilled on {Qualified(type)} \"{name}\": the object has been modified; please apply your changes to the latest version and try again", Details(type, name));
            }
            return Commit(type, ns, current, replacement).DeepClone().AsObject();
        }
    }

    private JsonObject Delete(KubernetesResourceType type, string? ns, string name)
    {
        lock (_gate)
        {
            var current = Find(type, ns, name);
            _objects[type].Remove(ObjectKey(ns, name));
            return new JsonObject
            {
                ["kind"] = "Status",
                ["apiVersion"] = "v1",
                ["metadata"] = new JsonObject(),
                ["status"] = "Success",
                ["details"] = new JsonObject { ["name"] = name, ["group"] = type.Group, ["kind"] = type.Plural, ["uid"] = current["metadata"]?["uid"]?.DeepClone() },
            };
        }
    }

    private JsonObject Patch(KubernetesResourceType type, string? ns, string name, string? contentType, string? body)
    {
        lock (_gate)
        {
            var current = Find(type, ns, name);
            var patched = ApplyPatch(current.DeepClone().AsObject(), contentType, body);
            return Commit(type, ns, current, patched).DeepClone().AsObject();
        }
    }

    // What the API server keeps whatever a client sends: identity, creation time; it bumps resourceVersion always
    // and generation when the spec changed. Callers hold _gate.
    private JsonObject Commit(KubernetesResourceType type, string? ns, JsonObject current, JsonObject updated)
    {
        var name = current["metadata"]!["name"]!.GetValue<string>();
        var metadata = updated["metadata"] as JsonObject ?? new JsonObject();
        updated["metadata"] = metadata;
        metadata["name"] = name;
        metadata["uid"] = current["metadata"]!["uid"]!.DeepClone();
        metadata["creationTimestamp"] = current["metadata"]!["creationTimestamp"]?.DeepClone();
        if (type.Namespaced)
        {
            metadata["namespace"] = ns;
        }
        updated["apiVersion"] = current["apiVersion"]?.DeepClone() ?? type.GroupVersion;
        updated["kind"] = current["kind"]?.DeepClone() ?? type.Kind;
        if (!JsonNode.DeepEquals(current["spec"], updated["spec"]))
        {
            var generation = current["metadata"]!["generation"]?.GetValue<long>() ?? 1;
            metadata["generation"] = generation + 1;
        }
        metadata["resourceVersion"] = NextResourceVersion();
        _objects[type][ObjectKey(ns, name)] = updated;
        return updated;
    }

    private JsonObject Scale(string ns, string name, string method, string? contentType, string? body)
    {
        var deployments = FindType("apps", "v1", "deployments")!;
        lock (_gate)
        {
            var deployment = Find(deployments, ns, name);
            var scale = ScaleOf(deployment);
            if (method == "GET")
            {
                return scale;
            }
            var updated = method switch
            {
                "PATCH" => ApplyPatch(scale, contentType, body),
                "PUT" => ParseBody(body),
                _ => throw new ApiError(405, "MethodNotAllowed", "the server does not allow this method on the requested resource"),
            };
            var replicas = updated["spec"]?["replicas"] is JsonValue value && value.TryGetValue<long>(out var r) ? r : -1;
            if (replicas < 0 || replicas > int.MaxValue)
            {
                throw new ApiError(422, "Invalid", $"Scale.autoscaling \"{name}\" is invalid: spec.replicas: Invalid value: {updated["spec"]?["replicas"]?.ToJsonString() ?? "null"}: must be greater than or equal to 0", Details(deployments, name));
            }
            var next = deployment.DeepClone().AsObject();
            next["spec"]!["replicas"] = replicas;
            return ScaleOf(Commit(deployments, ns, deployment, next));
        }
    }

    private static JsonObject ScaleOf(JsonObject deployment)
    {
        var labels = deployment["spec"]?["selector"]?["matchLabels"] as JsonObject;
        return new JsonObject
        {
            ["kind"] = "Scale",
            ["apiVersion"] = "autoscaling/v1",
            ["metadata"] = new JsonObject
            {
                ["name"] = deployment["metadata"]!["name"]!.DeepClone(),
                ["namespace"] = deployment["metadata"]!["namespace"]?.DeepClone(),
                ["uid"] = deployment["metadata"]!["uid"]!.DeepClone(),
                ["resourceVersion"] = deployment["metadata"]!["resourceVersion"]!.DeepClone(),
                ["creationTimestamp"] = deployment["metadata"]!["creationTimestamp"]?.DeepClone(),
            },
            ["spec"] = new JsonObject { ["replicas"] = deployment["spec"]?["replicas"]?.DeepClone() ?? 1 },
            ["status"] = new JsonObject
            {
                ["replicas"] = deployment["status"]?["replicas"]?.DeepClone() ?? 0,
                ["selector"] = labels is null ? string.Empty : string.Join(",", labels.Select(p => $"{p.Key}={p.Value}")),
            },
        };
    }

    private static JsonObject ParseBody(string? body)
    {
        try
        {
            return JsonNode.Parse(body ?? string.Empty) as JsonObject ?? throw new ApiError(400, "BadRequest", "the body of the request was not a JSON object");
        }
        catch (JsonException ex)
        {
            throw new ApiError(400, "BadRequest", $"the body of the request was in an unknown format: {ex.Message}");
        }
    }

    private static JsonObject Status(int code, string reason, string message, JsonObject? details = null) => new()
    {
        ["kind"] = "Status",
        ["apiVersion"] = "v1",
        ["metadata"] = new JsonObject(),
        ["status"] = "Failure",
        ["message"] = message,
        ["reason"] = reason,
        ["details"] = details ?? new JsonObject(),
        ["code"] = code,
    };

    private static string Qualified(KubernetesResourceType type) => type.Group.Length == 0 ? type.Plural : $"{type.Plural}.{type.Group}";

    private static JsonObject Details(KubernetesResourceType type, string name)
    {
        var details = new JsonObject { ["name"] = name };
        if (type.Group.Length > 0)
        {
            details["group"] = type.Group;
        }
        details["kind"] = type.Plural;
        return details;
    }

    private static ApiError NotFound(KubernetesResourceType type, string name) =>
        new(404, "NotFound", $"{Qualified(type)} \"{name}\" not found", Details(type, name));

    private static ApiError NotFoundPath() => new(404, "NotFound", "the server could not find the requested resource");

    private static string Timestamp(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>An API error answered as a <c>Status</c> object with this HTTP code.</summary>
    private sealed class ApiError(int code, string reason, string message, JsonObject? details = null) : Exception(message)
    {
        public int Code { get; } = code;

        public string Reason { get; } = reason;

        public JsonObject? Details { get; } = details;
    }
}
