using System.ComponentModel;
using AgentOps.Tools.Hosting;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace AgentOps.Tools.Kubectl;

/// <summary>Deployment status and rollout history: replica counts, conditions and the ReplicaSets behind each revision.</summary>
[McpServerToolType]
internal sealed class DeploymentTools(KubernetesResources api, KubernetesSummaries summaries)
{
    [McpServerTool(Name = "deployment_get", ReadOnly = true, Destructive = false, Idempotent = true, UseStructuredContent = true)]
    [Description("Get a deployment's desired, ready, updated and available replicas, rollout state (complete, progressing, failed, paused), images, conditions and annotations (untrusted). Scope: k8s:read:ns/<namespace>.")]
    public async Task<DeploymentSummary> DeploymentGet(
        RequestContext<CallToolRequestParams> context,
        [Description("Namespace of the deployment")] string @namespace,
        [Description("Deployment name")] string name,
        CancellationToken cancellationToken = default)
    {
        _ = CallerCredential.From(context);
        var ns = KubernetesNames.RequireNamespace(@namespace);
        var deployment = KubernetesNames.RequireName(name, "deployment");
        var found = await api.GetAsync(ResourceRef.Deployments, ns, deployment, cancellationToken).ConfigureAwait(false);
        return summaries.Deployment(found);
    }

    [McpServerTool(Name = "rollout_history", ReadOnly = true, Destructive = false, Idempotent = true, UseStructuredContent = true)]
    [Description("List a deployment's revisions, newest first: the ReplicaSets it owns with their deployment.kubernetes.io/revision, images, replicas and change cause (untrusted). Scope: k8s:read:ns/<namespace>.")]
    public async Task<RolloutHistory> RolloutHistory(
        RequestContext<CallToolRequestParams> context,
        [Description("Namespace of the deployment")] string @namespace,
        [Description("Deployment name")] string name,
        CancellationToken cancellationToken = default)
    {
        _ = CallerCredential.From(context);
        var ns = KubernetesNames.RequireNamespace(@namespace);
        var deploymentName = KubernetesNames.RequireName(name, "deployment");
        var deployment = await api.GetAsync(ResourceRef.Deployments, ns, deploymentName, cancellationToken).ConfigureAwait(false);
        var labels = deployment.StringMap("spec", "selector", "matchLabels");
        var selector = labels.Count > 0 ? string.Join(",", labels.Select(l => $"{l.Key}={l.Value}")) : null;
        var replicaSets = await api.ListAsync(ResourceRef.ReplicaSets, ns, cancellationToken, labelSelector: selector).ConfigureAwait(false);
        var current = deployment.Str("metadata", "annotations", KubernetesSummaries.RevisionAnnotation);
        var uid = deployment.Str("metadata", "uid");
        // Owned means controlled by this very deployment (same uid), not merely matching its labels.
        var revisions = replicaSets.Objects("items")
            .Where(rs => rs.Objects("metadata", "ownerReferences").Any(o => o.Bool("controller") && o.Str("kind") == "Deployment" && o.Str("uid") == uid))
            .Select(rs => summaries.Revision(rs, current))
            .OrderByDescending(r => r.Revision)
            .ToArray();
        return new RolloutHistory(ns, deploymentName, current, revisions);
    }
}
