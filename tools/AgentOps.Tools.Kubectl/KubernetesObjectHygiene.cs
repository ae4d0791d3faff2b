using System.Text.Json.Nodes;
using AgentOps.Tools.Hosting;

namespace AgentOps.Tools.Kubectl;

/// <summary>
/// What of a Kubernetes object may be returned, applied before the shared output filter:
/// <list type="bullet">
/// <item>a <c>Secret</c> keeps its metadata, type and the names of its data keys: <c>data</c> and <c>stringData</c> never leave;</item>
/// <item><c>managedFields</c> and the <c>kubectl.kubernetes.io/last-applied-configuration</c> annotation go from every
/// object: the first is noise, the second a copy of the object as applied, which for a Secret holds its values;</item>
/// <item>annotations are written by anyone who can edit the object, so each value comes back as untrusted text;</item>
/// <item>an environment variable whose name says it is a secret (<c>DB_PASSWORD</c>) has its literal value replaced.</item>
/// </list>
/// </summary>
internal sealed class KubernetesObjectHygiene(OutputHygiene hygiene)
{
    public const string AnnotationsOrigin = "k8s-annotations";
    public const string LastAppliedAnnotation = "kubectl.kubernetes.io/last-applied-configuration";

    public JsonObject Clean(JsonObject obj, bool isSecret)
    {
        ArgumentNullException.ThrowIfNull(obj);
        if (isSecret || obj["kind"] is JsonValue kind && kind.TryGetValue<string>(out var k) && k == "Secret")
        {
            WithholdSecretData(obj);
        }
        if (obj["metadata"] is JsonObject metadata)
        {
            metadata.Remove("managedFields");
            if (metadata["annotations"] is JsonObject annotations)
            {
                metadata["annotations"] = UntrustedAnnotations(annotations);
            }
        }
        RedactSecretNamedValues(obj);
        return obj;
    }

    /// <summary>Annotations as untrusted text, without the last-applied copy of the object.</summary>
    public Dictionary<string, UntrustedText> Annotations(IReadOnlyDictionary<string, string> annotations) =>
        annotations
            .Where(a => a.Key != LastAppliedAnnotation)
            .OrderBy(a => a.Key, StringComparer.Ordinal)
            .ToDictionary(a => a.Key, a => hygiene.Untrusted(AnnotationsOrigin, a.Value), StringComparer.Ordinal);

    public UntrustedText Untrusted(string origin, string text) => hygiene.Untrusted(origin, text);

    private static void WithholdSecretData(JsonObject secret)
    {
        var keys = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var field in new[] { "data", "stringData" })
        {
            if (secret[field] is JsonObject values)
            {
                keys.UnionWith(values.Select(v => v.Key));
            }
            secret.Remove(field);
        }
        secret["dataKeys"] = new JsonArray(keys.Select(k => (JsonNode)JsonValue.Create(k)).ToArray());
    }

    private JsonObject UntrustedAnnotations(JsonObject annotations)
    {
        var result = new JsonObject();
        foreach (var (key, value) in annotations)
        {
            if (key == LastAppliedAnnotation)
            {
                continue;
            }
            var text = value is JsonValue v && v.TryGetValue<string>(out var s) ? s : value?.ToJsonString() ?? string.Empty;
            var untrusted = hygiene.Untrusted(AnnotationsOrigin, text);
            result[key] = new JsonObject { ["trust"] = untrusted.Trust, ["origin"] = untrusted.Origin, ["text"] = untrusted.Text };
        }
        return result;
    }

    // Container env entries are {"name": "DB_PASSWORD", "value": "..."}: the shared filter sees the key "value", not
    // the variable's name, so the pairing is handled here wherever it appears (pods, templates, custom resources).
    private static void RedactSecretNamedValues(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                if (obj["name"] is JsonValue name && name.TryGetValue<string>(out var variable) && OutputHygiene.IsSecretKey(variable)
                    && obj["value"] is JsonValue value && value.TryGetValue<string>(out var literal) && literal.Length > 0)
                {
                    obj["value"] = OutputHygiene.SecretKeyRule;
                }
                foreach (var (_, child) in obj)
                {
                    RedactSecretNamedValues(child);
                }
                break;
            case JsonArray array:
                foreach (var child in array)
                {
                    RedactSecretNamedValues(child);
                }
                break;
        }
    }
}
