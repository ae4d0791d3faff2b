using System.ComponentModel;
using System.Globalization;
using System.Text.Json.Nodes;
using AgentOps.Tools.Hosting;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace AgentOps.Tools.Kubectl;

/// <summary>
/// The two changes this server can make. Both are off unless the server runs with <c>--allow-writes</c>, both need a
/// scope naming the very deployment, <c>--read-only</c> refuses them before they run, and neither is ever retried.
/// </summary>
[McpServerToolType]
internal sealed class DeploymentWriteTools(KubernetesResources api, KubectlOptions options, TimeProvider timeProvider)
{
    public const string RestartedAtAnnotation = "kubectl.kubernetes.io/restartedAt";

    [McpServerTool(Name = "deployment_scale", ReadOnly = false, Destructive = true, Idempotent = true, UseStructuredContent = true)]
    [Description("Set a deployment's replica count through its scale subresource. Refused unless the server allows writes, and above the configured maximum (default 20). Scope: k8s:scale:ns/<namespace>/deployment/<name>.")]
    public async Task<ScaleResult> DeploymentScale(
        RequestContext<CallToolRequestParams> context,
        [Description("Namespace of the deployment")] string @namespace,
        [Description("Deployment name")] string name,
        [Description("The replica count to set, from 0 to the server's maximum")] int replicas,
        CancellationToken cancellationToken = default)
    {
        _ = CallerCredential.From(context);
        RequireWritesAllowed("deployment_scale");
        var ns = KubernetesNames.RequireNamespace(@namespace);
        var deployment = KubernetesNames.RequireName(name, "deployment");
        if (replicas < 0)
        {
            throw new McpException($"deployment_scale refused: replicas must be 0 or more, not {replicas}.");
        }
        if (replicas > options.MaxReplicas)
        {
            throw new McpException($"deployment_scale refused: {replicas} replicas is more than this server allows (at most {options.MaxReplicas}, AgentOps:Kubectl:MaxReplicas).");
        }
        var before = await api.GetScaleAsync(ResourceRef.Deployments, ns, deployment, cancellationToken).ConfigureAwait(false);
        var patch = new JsonObject { ["spec"] = new JsonObject { ["replicas"] = replicas } };
        var after = await api.PatchScaleAsync(ResourceRef.Deployments, ns, deployment, patch, cancellationToken).ConfigureAwait(false);
        return new ScaleResult(ns, deployment, before.Int("spec", "replicas"), after.Long("spec", "replicas") is { } set ? (int)set : replicas);
    }

    [McpServerTool(Name = "rollout_restart", ReadOnly = false, Destructive = true, Idempotent = false, UseStructuredContent = true)]
    [Description("Restart a deployment's pods with a rolling update, as kubectl rollout restart does (stamps kubectl.kubernetes.io/restartedAt on the pod template). Refused unless the server allows writes. Scope: k8s:restart:ns/<namespace>/deployment/<name>.")]
    public async Task<RestartResult> RolloutRestart(
        RequestContext<CallToolRequestParams> context,
        [Description("Namespace of the deployment")] string @namespace,
        [Description("Deployment name")] string name,
        CancellationToken cancellationToken = default)
    {
        _ = CallerCredential.From(context);
        RequireWritesAllowed("rollout_restart");
        var ns = KubernetesNames.RequireNamespace(@namespace);
        var deployment = KubernetesNames.RequireName(name, "deployment");
        var current = await api.GetAsync(ResourceRef.Deployments, ns, deployment, cancellationToken).ConfigureAwait(false);
        if (current.Bool("spec", "paused"))
        {
            throw new McpException($"rollout_restart refused: deployment {ns}/{deployment} is paused; resume the rollout first.");
        }
        var restartedAt = timeProvider.GetUtcNow().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        var patch = new JsonObject
        {
            ["spec"] = new JsonObject
            {
                ["template"] = new JsonObject
                {
                    ["metadata"] = new JsonObject { ["annotations"] = new JsonObject { [RestartedAtAnnotation] = restartedAt } },
                },
            },
        };
        var after = await api.PatchAsync(ResourceRef.Deployments, ns, deployment, patch, PatchKind.StrategicMerge, $"restart deployment {ns}/{deployment}", cancellationToken).ConfigureAwait(false);
        return new RestartResult(ns, deployment, restartedAt, after.Long("metadata", "generation"));
    }

    private void RequireWritesAllowed(string tool)
    {
        if (!options.AllowWrites)
        {
            throw new McpException($"{tool} refused: writes are disabled on this server. Start it with --allow-writes (AgentOps:Kubectl:AllowWrites=true) to allow scale and restart.");
        }
    }
}
