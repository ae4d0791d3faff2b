using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Nodes;
using AgentOps.Tools.Hosting;

namespace AgentOps.Tools.Kubectl;

public sealed record NamespaceItem(string Name, string? Phase, DateTimeOffset? Created, IReadOnlyDictionary<string, string> Labels);

public sealed record NamespaceList(int Count, IReadOnlyList<NamespaceItem> Namespaces);

/// <summary>One container of a pod. <paramref name="Message"/> can carry the application's own termination message.</summary>
public sealed record ContainerSummary(
    string Name,
    string? Image,
    bool Ready,
    int RestartCount,
    string State,
    string? Reason,
    UntrustedText? Message,
    int? LastExitCode,
    string? LastTerminationReason);

/// <summary>A pod as <c>kubectl get pods</c> shows it (<paramref name="Status"/> is its STATUS column), with its containers.</summary>
public sealed record PodSummary(
    string Name,
    string Namespace,
    string? Phase,
    string Status,
    string Ready,
    int Restarts,
    string? Node,
    string? PodIp,
    DateTimeOffset? Started,
    string? Owner,
    IReadOnlyDictionary<string, string> Labels,
    IReadOnlyList<ContainerSummary> Containers);

public sealed record PodList(string Namespace, string? LabelSelector, int Count, IReadOnlyList<PodSummary> Pods);

/// <summary>A pod's summary and its whole manifest, cleaned (see the README: annotations untrusted, secret-named env values redacted).</summary>
public sealed record PodDetail(PodSummary Summary, JsonObject Manifest);

public sealed record PodLogs(
    string Namespace,
    string Pod,
    string? Container,
    int? TailLines,
    int? SinceSeconds,
    int Lines,
    bool Truncated,
    UntrustedText Log);

public sealed record EventItem(
    string? Type,
    string? Reason,
    int Count,
    DateTimeOffset? FirstSeen,
    DateTimeOffset? LastSeen,
    string Object,
    string? Source,
    UntrustedText Message);

public sealed record EventList(string Namespace, string? Kind, string Name, int Count, IReadOnlyList<EventItem> Events);

public sealed record DeploymentCondition(string Type, string Status, string? Reason, string? Message, DateTimeOffset? LastUpdate);

/// <summary>
/// A deployment's replica counts and rollout state. <paramref name="Rollout"/> is <c>complete</c>, <c>progressing</c>,
/// <c>failed</c> (progress deadline exceeded) or <c>paused</c>, as <c>kubectl rollout status</c> would judge it.
/// </summary>
public sealed record DeploymentSummary(
    string Name,
    string Namespace,
    int DesiredReplicas,
    int CurrentReplicas,
    int ReadyReplicas,
    int UpdatedReplicas,
    int AvailableReplicas,
    int UnavailableReplicas,
    long? Generation,
    long? ObservedGeneration,
    string? Revision,
    string Rollout,
    string? Strategy,
    IReadOnlyDictionary<string, string> Selector,
    IReadOnlyList<string> Images,
    IReadOnlyList<DeploymentCondition> Conditions,
    IReadOnlyDictionary<string, UntrustedText> Annotations);

public sealed record RolloutRevision(
    long Revision,
    string ReplicaSet,
    bool Current,
    IReadOnlyList<string> Images,
    int Replicas,
    int ReadyReplicas,
    DateTimeOffset? Created,
    UntrustedText? ChangeCause);

public sealed record RolloutHistory(string Namespace, string Deployment, string? CurrentRevision, IReadOnlyList<RolloutRevision> Revisions);

/// <summary>Any object, cleaned: a Secret has no <c>data</c>, only <c>dataKeys</c>.</summary>
public sealed record ResourceObject(string ApiVersion, string Resource, string? Namespace, string Name, JsonObject Object);

public sealed record ResourceList(string ApiVersion, string Resource, string? Namespace, int Count, string? Continue, IReadOnlyList<JsonObject> Items);

public sealed record ScaleResult(string Namespace, string Deployment, int PreviousReplicas, int Replicas);

public sealed record RestartResult(string Namespace, string Deployment, string RestartedAt, long? Generation);

/// <summary>
/// Serialization contracts for every tool result, generated at compile time: the server is published ahead of time
/// (Native AOT), where the reflection serializer is off. Web defaults match the SDK's own options.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(NamespaceList))]
[JsonSerializable(typeof(PodList))]
[JsonSerializable(typeof(PodDetail))]
[JsonSerializable(typeof(PodLogs))]
[JsonSerializable(typeof(EventList))]
[JsonSerializable(typeof(DeploymentSummary))]
[JsonSerializable(typeof(RolloutHistory))]
[JsonSerializable(typeof(ScaleResult))]
[JsonSerializable(typeof(RestartResult))]
[JsonSerializable(typeof(ResourceObject))]
[JsonSerializable(typeof(ResourceList))]
[JsonSerializable(typeof(int?))]
[JsonSerializable(typeof(long?))]
[JsonSerializable(typeof(bool?))]
internal sealed partial class KubectlJson : JsonSerializerContext;
