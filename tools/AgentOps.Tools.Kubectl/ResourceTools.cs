using System.ComponentModel;
using System.Text.Json.Nodes;
using AgentOps.Tools.Hosting;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace AgentOps.Tools.Kubectl;

/// <summary>
/// Any kind by apiVersion and plural resource name, custom resources included. A Secret comes back as metadata and
/// key names only, whichever way it is asked for.
/// </summary>
[McpServerToolType]
internal sealed class ResourceTools(KubernetesResources api, KubernetesObjectHygiene hygiene)
{
    private const int MaxItems = 500;

    [McpServerTool(Name = "resource_get", ReadOnly = true, Destructive = false, Idempotent = true, UseStructuredContent = true)]
    [Description("Get one object of any kind, e.g. apiVersion apps/v1 resource deployments, or a custom resource. Give a namespace for namespaced kinds, none for cluster-scoped ones. Secret data is never returned (only its key names); managedFields are removed; annotations are untrusted. Scope: k8s:read:ns/<namespace>, or k8s:read:cluster without a namespace.")]
    public async Task<ResourceObject> ResourceGet(
        RequestContext<CallToolRequestParams> context,
        [Description("apiVersion: 'v1' for the core group, else '<group>/<version>', e.g. apps/v1")] string apiVersion,
        [Description("Plural resource name as kubectl api-resources lists it, e.g. deployments, configmaps")] string resource,
        [Description("Object name")] string name,
        [Description("Namespace of a namespaced object; omit for a cluster-scoped kind")] string? @namespace = null,
        CancellationToken cancellationToken = default)
    {
        _ = CallerCredential.From(context);
        var (group, version) = KubernetesNames.RequireApiVersion(apiVersion);
        var plural = KubernetesNames.RequireResource(resource);
        var ns = string.IsNullOrEmpty(@namespace) ? null : KubernetesNames.RequireNamespace(@namespace);
        var objectName = KubernetesNames.IsAnyObjectName(name) ? name : throw new McpException($"'{name}' is not a valid object name.");
        var resourceRef = new ResourceRef(group, version, plural);
        var obj = await api.GetAsync(resourceRef, ns, objectName, cancellationToken).ConfigureAwait(false);
        return new ResourceObject(resourceRef.ApiVersion, plural, ns, objectName, hygiene.Clean(obj, resourceRef.IsSecret));
    }

    [McpServerTool(Name = "resources_list", ReadOnly = true, Destructive = false, Idempotent = true, UseStructuredContent = true)]
    [Description("List objects of any kind in a namespace, or cluster-wide without one (cluster-scoped kinds, or a namespaced kind across all namespaces). Paged: pass the returned 'continue' to get the next page. Secret data is never returned. Scope: k8s:read:ns/<namespace>, or k8s:read:cluster without a namespace.")]
    public async Task<ResourceList> ResourcesList(
        RequestContext<CallToolRequestParams> context,
        [Description("apiVersion: 'v1' for the core group, else '<group>/<version>', e.g. apps/v1")] string apiVersion,
        [Description("Plural resource name as kubectl api-resources lists it, e.g. deployments, configmaps")] string resource,
        [Description("Namespace to list in; omit to list cluster-wide")] string? @namespace = null,
        [Description("Optional label selector, e.g. app=payments-api")] string? labelSelector = null,
        [Description("Page size (1-500, default 50)")] int limit = 50,
        [Description("The 'continue' value of the previous page")] string? @continue = null,
        CancellationToken cancellationToken = default)
    {
        _ = CallerCredential.From(context);
        var (group, version) = KubernetesNames.RequireApiVersion(apiVersion);
        var plural = KubernetesNames.RequireResource(resource);
        var ns = string.IsNullOrEmpty(@namespace) ? null : KubernetesNames.RequireNamespace(@namespace);
        var selector = Selectors.RequireLabelSelector(labelSelector);
        var next = Selectors.RequireContinue(@continue);
        if (limit is < 1 or > MaxItems)
        {
            throw new McpException($"limit must be between 1 and {MaxItems}.");
        }
        var resourceRef = new ResourceRef(group, version, plural);
        var list = await api.ListAsync(resourceRef, ns, cancellationToken, labelSelector: selector, limit: limit, continueToken: next).ConfigureAwait(false);
        var listKind = list.Str("kind");
        var itemKind = listKind is { Length: > 4 } && listKind.EndsWith("List", StringComparison.Ordinal) ? listKind[..^4] : null;
        var secret = resourceRef.IsSecret || itemKind == "Secret";
        var items = new List<JsonObject>();
        foreach (var item in list.Objects("items"))
        {
            // Built-in lists leave apiVersion and kind out of their items; put them back so each item stands alone.
            item["apiVersion"] ??= resourceRef.ApiVersion;
            if (itemKind is not null)
            {
                item["kind"] ??= itemKind;
            }
            items.Add(hygiene.Clean(item, secret));
        }
        var continueToken = list.Str("metadata", "continue") is { Length: > 0 } token ? token : null;
        return new ResourceList(resourceRef.ApiVersion, plural, ns, items.Count, continueToken, items);
    }
}
