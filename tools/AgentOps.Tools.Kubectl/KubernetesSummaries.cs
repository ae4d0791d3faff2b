using System.Globalization;
using System.Text.Json.Nodes;

namespace AgentOps.Tools.Kubectl;

/// <summary>Turns API objects (JSON) into the summaries the tools return, reading them the way kubectl's printers do.</summary>
internal sealed class KubernetesSummaries(KubernetesObjectHygiene hygiene)
{
    public const string PodStatusOrigin = "pod-status";
    public const string EventsOrigin = "k8s-events";
    public const string RevisionAnnotation = "deployment.kubernetes.io/revision";
    public const string ChangeCauseAnnotation = "kubernetes.io/change-cause";

    public static NamespaceItem Namespace(JsonObject ns) =>
        new(ns.Str("metadata", "name") ?? string.Empty, ns.Str("status", "phase"), ns.Time("metadata", "creationTimestamp"), ns.StringMap("metadata", "labels"));

    public PodSummary Pod(JsonObject pod)
    {
        var statuses = pod.Objects("status", "containerStatuses").ToArray();
        var containers = pod.Objects("spec", "containers")
            .Select(c => Container(c, statuses.FirstOrDefault(s => s.Str("name") == c.Str("name"))))
            .ToArray();
        var owners = pod.Objects("metadata", "ownerReferences").ToArray();
        var owner = owners.FirstOrDefault(o => o.Bool("controller")) ?? owners.FirstOrDefault();
        return new PodSummary(
            pod.Str("metadata", "name") ?? string.Empty,
            pod.Str("metadata", "namespace") ?? string.Empty,
            pod.Str("status", "phase"),
            PodStatus(pod, statuses),
            $"{statuses.Count(s => s.Bool("ready"))}/{containers.Length}",
            statuses.Sum(s => s.Int("restartCount")),
            pod.Str("spec", "nodeName"),
            pod.Str("status", "podIP"),
            pod.Time("status", "startTime"),
            owner is null ? null : $"{owner.Str("kind")}/{owner.Str("name")}",
            pod.StringMap("metadata", "labels"),
            containers);
    }

    public EventItem Event(JsonObject e)
    {
        var count = e.Long("count") ?? e.Long("series", "count") ?? 1;
        return new EventItem(
            e.Str("type"),
            e.Str("reason"),
            (int)Math.Min(count, int.MaxValue),
            e.Time("firstTimestamp") ?? e.Time("eventTime"),
            e.Time("lastTimestamp") ?? e.Time("series", "lastObservedTime") ?? e.Time("eventTime") ?? e.Time("firstTimestamp"),
            $"{e.Str("involvedObject", "kind")}/{e.Str("involvedObject", "name")}",
            e.Str("source", "component") ?? e.Str("reportingComponent"),
            hygiene.Untrusted(EventsOrigin, e.Str("message") ?? string.Empty));
    }

    public DeploymentSummary Deployment(JsonObject deployment)
    {
        var desired = deployment.Long("spec", "replicas") is { } replicas ? (int)replicas : 1;
        return new DeploymentSummary(
            deployment.Str("metadata", "name") ?? string.Empty,
            deployment.Str("metadata", "namespace") ?? string.Empty,
            desired,
            deployment.Int("status", "replicas"),
            deployment.Int("status", "readyReplicas"),
            deployment.Int("status", "updatedReplicas"),
            deployment.Int("status", "availableReplicas"),
            deployment.Int("status", "unavailableReplicas"),
            deployment.Long("metadata", "generation"),
            deployment.Long("status", "observedGeneration"),
            deployment.Str("metadata", "annotations", RevisionAnnotation),
            Rollout(deployment, desired),
            deployment.Str("spec", "strategy", "type"),
            deployment.StringMap("spec", "selector", "matchLabels"),
            Images(deployment),
            deployment.Objects("status", "conditions")
                .Select(c => new DeploymentCondition(c.Str("type") ?? string.Empty, c.Str("status") ?? string.Empty, c.Str("reason"), c.Str("message"), c.Time("lastUpdateTime") ?? c.Time("lastTransitionTime")))
                .ToArray(),
            hygiene.Annotations(deployment.StringMap("metadata", "annotations")));
    }

    public RolloutRevision Revision(JsonObject replicaSet, string? currentRevision)
    {
        var revision = replicaSet.Str("metadata", "annotations", RevisionAnnotation);
        var cause = replicaSet.Str("metadata", "annotations", ChangeCauseAnnotation);
        return new RolloutRevision(
            long.TryParse(revision, NumberStyles.None, CultureInfo.InvariantCulture, out var number) ? number : 0,
            replicaSet.Str("metadata", "name") ?? string.Empty,
            revision is not null && revision == currentRevision,
            Images(replicaSet),
            replicaSet.Int("status", "replicas"),
            replicaSet.Int("status", "readyReplicas"),
            replicaSet.Time("metadata", "creationTimestamp"),
            cause is null ? null : hygiene.Untrusted(KubernetesObjectHygiene.AnnotationsOrigin, cause));
    }

    private static string[] Images(JsonObject workload) =>
        workload.Objects("spec", "template", "spec", "containers").Select(c => c.Str("image")).OfType<string>().ToArray();

    private ContainerSummary Container(JsonObject container, JsonObject? status)
    {
        var (state, detail) = status.At("state") switch
        {
            JsonObject s when s["waiting"] is JsonObject waiting => ("waiting", waiting),
            JsonObject s when s["terminated"] is JsonObject terminated => ("terminated", terminated),
            JsonObject s when s["running"] is JsonObject => ("running", null),
            _ => ("unknown", (JsonObject?)null),
        };
        var message = detail.Str("message");
        return new ContainerSummary(
            container.Str("name") ?? string.Empty,
            container.Str("image"),
            status.Bool("ready"),
            status.Int("restartCount"),
            state,
            detail.Str("reason"),
            message is null ? null : hygiene.Untrusted(PodStatusOrigin, message),
            status.Long("lastState", "terminated", "exitCode") is { } exitCode ? (int)exitCode : null,
            status.Str("lastState", "terminated", "reason"));
    }

    // kubectl's STATUS column: a container's waiting or terminated reason wins over the phase.
    private static string PodStatus(JsonObject pod, JsonObject[] statuses)
    {
        if (pod.Str("metadata", "deletionTimestamp") is not null)
        {
            return "Terminating";
        }
        foreach (var status in statuses)
        {
            if (status.Str("state", "waiting", "reason") is { Length: > 0 } waiting)
            {
                return waiting;
            }
            if (status.At("state", "terminated") is JsonObject terminated)
            {
                return terminated.Str("reason") ?? $"ExitCode:{terminated.Long("exitCode")}";
            }
        }
        return pod.Str("status", "reason") ?? pod.Str("status", "phase") ?? "Unknown";
    }

    // As kubectl rollout status judges it.
    private static string Rollout(JsonObject deployment, int desired)
    {
        if (deployment.Bool("spec", "paused"))
        {
            return "paused";
        }
        if (deployment.Objects("status", "conditions").Any(c => c.Str("type") == "Progressing" && c.Str("reason") == "ProgressDeadlineExceeded"))
        {
            return "failed";
        }
        var observed = deployment.Long("status", "observedGeneration") is not { } o || deployment.Long("metadata", "generation") is not { } g || o >= g;
        var updated = deployment.Int("status", "updatedReplicas");
        return observed && updated >= desired && deployment.Int("status", "replicas") <= updated && deployment.Int("status", "availableReplicas") >= updated
            ? "complete"
            : "progressing";
    }
}
