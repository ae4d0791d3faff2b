using System.Text.Json;
using System.Text.Json.Nodes;
using AgentOps.Tools.Hosting;

namespace AgentOps.Tools.ArgoCD;

/// <summary>
/// A compact, field-level diff of one managed resource, from the states ArgoCD reports in
/// <c>v1alpha1ResourceDiff</c>. It compares the normalised live state with the predicted live state when ArgoCD
/// supplies one (server-side diff), else with the target state from Git; in the latter case fields only the live
/// object has are server defaults, not drift, and are left out.
/// </summary>
/// <remarks>
/// A manifest may carry secrets. A <c>Secret</c>'s values never leave: its changes carry paths only. Elsewhere a value
/// under a secret-named key (<c>DB_PASSWORD</c> in a ConfigMap) is replaced, and every value is untrusted text.
/// </remarks>
internal sealed class ManifestDiff(OutputHygiene hygiene)
{
    public const string LiveOrigin = "argocd-live-state";
    public const string TargetOrigin = "argocd-target-state";
    public const int MaxChanges = 25;
    public const int MaxValueLength = 200;

    // Bookkeeping the API server and controllers write; never drift a person would act on.
    private static readonly HashSet<string> s_ignoredPaths = new(StringComparer.Ordinal)
    {
        "/status",
        "/metadata/managedFields",
        "/metadata/resourceVersion",
        "/metadata/uid",
        "/metadata/generation",
        "/metadata/creationTimestamp",
        "/metadata/selfLink",
        "/metadata/annotations/kubectl.kubernetes.io~1last-applied-configuration",
        "/metadata/annotations/deployment.kubernetes.io~1revision",
    };

    public ResourceDiffSummary Summarize(ArgoResourceDiff resource)
    {
        ArgumentNullException.ThrowIfNull(resource);
        var live = Parse(FirstPresent(resource.NormalizedLiveState, resource.LiveState));
        var predicted = Parse(resource.PredictedLiveState);
        var target = predicted ?? Parse(resource.TargetState);
        var withhold = IsSecret(resource.Kind);
        var state = (live, target) switch
        {
            (null, null) => "Unknown",
            (null, _) => "Missing",
            (_, null) => "Extraneous",
            _ => resource.Modified == true ? "OutOfSync" : "Synced",
        };

        var changes = new List<FieldChange>();
        var total = 0;
        if (state == "OutOfSync")
        {
            Compare(live, target, string.Empty, reportLiveOnly: predicted is not null, withhold, changes, ref total);
        }
        return new ResourceDiffSummary(
            resource.Group, resource.Kind, resource.Namespace, resource.Name, state, resource.Hook == true, withhold, changes, total - changes.Count);
    }

    private static bool IsSecret(string? kind) => string.Equals(kind, "Secret", StringComparison.Ordinal);

    private static string? FirstPresent(string? first, string? second) => string.IsNullOrEmpty(first) ? second : first;

    private static JsonNode? Parse(string? state)
    {
        if (string.IsNullOrWhiteSpace(state))
        {
            return null;
        }
        try
        {
            return JsonNode.Parse(state);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private void Compare(JsonNode? live, JsonNode? target, string path, bool reportLiveOnly, bool withhold, List<FieldChange> changes, ref int total)
    {
        if (s_ignoredPaths.Contains(path))
        {
            return;
        }
        if (live is JsonObject liveObject && target is JsonObject targetObject)
        {
            foreach (var (key, targetValue) in targetObject)
            {
                var child = path + "/" + Escape(key);
                if (liveObject.TryGetPropertyValue(key, out var liveValue))
                {
                    Compare(liveValue, targetValue, child, reportLiveOnly, withhold, changes, ref total);
                }
                else if (!s_ignoredPaths.Contains(child))
                {
                    Add(child, "added", null, targetValue, withhold, changes, ref total);
                }
            }
            if (reportLiveOnly)
            {
                foreach (var (key, liveValue) in liveObject)
                {
                    var child = path + "/" + Escape(key);
                    if (!targetObject.ContainsKey(key) && !s_ignoredPaths.Contains(child))
                    {
                        Add(child, "removed", liveValue, null, withhold, changes, ref total);
                    }
                }
            }
            return;
        }
        if (live is JsonArray liveArray && target is JsonArray targetArray && liveArray.Count == targetArray.Count)
        {
            for (var i = 0; i < targetArray.Count; i++)
            {
                Compare(liveArray[i], targetArray[i], $"{path}/{i}", reportLiveOnly, withhold, changes, ref total);
            }
            return;
        }
        if (!JsonNode.DeepEquals(live, target))
        {
            Add(path, "changed", live, target, withhold, changes, ref total);
        }
    }

    private void Add(string path, string change, JsonNode? live, JsonNode? target, bool withhold, List<FieldChange> changes, ref int total)
    {
        total++;
        if (changes.Count >= MaxChanges)
        {
            return;
        }
        var lastKey = path[(path.LastIndexOf('/') + 1)..].Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
        var secretKey = OutputHygiene.IsSecretKey(lastKey);
        changes.Add(new FieldChange(
            path.Length == 0 ? "/" : path,
            change,
            Value(LiveOrigin, live, change != "added", withhold, secretKey),
            Value(TargetOrigin, target, change != "removed", withhold, secretKey)));
    }

    private UntrustedText? Value(string origin, JsonNode? node, bool present, bool withhold, bool secretKey)
    {
        if (!present || withhold)
        {
            return null;
        }
        if (secretKey)
        {
            return new UntrustedText(origin, OutputHygiene.SecretKeyRule);
        }
        // Redact before cutting, so a cut can never split a secret out of its pattern's reach.
        var text = hygiene.Redact(node is JsonValue value && value.TryGetValue<string>(out var s) ? s : node?.ToJsonString() ?? "null");
        return new UntrustedText(origin, text.Length > MaxValueLength ? text[..MaxValueLength] + "…" : text);
    }

    private static string Escape(string key) => key.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);
}
