using System.Text.Json.Serialization;

namespace AgentOps.Tools.ArgoCD;

// The parts of ArgoCD's REST shapes (swagger.json, /api/v1) this server reads or sends, named after their swagger
// definitions. Property names are the wire names under JsonSerializerDefaults.Web; a test walks these records against
// swagger.json so a renamed field fails the build's tests rather than silently reading as null.

/// <summary><c>v1alpha1ApplicationList</c>.</summary>
internal sealed record ArgoApplicationList(IReadOnlyList<ArgoApplication>? Items);

/// <summary><c>v1alpha1Application</c>: what GET, sync and rollback answer with.</summary>
internal sealed record ArgoApplication(ArgoObjectMeta? Metadata, ArgoApplicationSpec? Spec, ArgoApplicationStatus? Status, ArgoOperation? Operation);

/// <summary><c>v1ObjectMeta</c>.</summary>
internal sealed record ArgoObjectMeta(
    string? Name,
    string? Namespace,
    IReadOnlyDictionary<string, string>? Labels,
    IReadOnlyDictionary<string, string>? Annotations);

/// <summary><c>v1alpha1ApplicationSpec</c>.</summary>
internal sealed record ArgoApplicationSpec(
    string? Project,
    ArgoApplicationSource? Source,
    IReadOnlyList<ArgoApplicationSource>? Sources,
    ArgoApplicationDestination? Destination,
    ArgoSyncPolicy? SyncPolicy);

/// <summary><c>v1alpha1ApplicationSource</c>.</summary>
internal sealed record ArgoApplicationSource(
    [property: JsonPropertyName("repoURL")] string? RepoUrl,
    string? Path,
    string? Chart,
    string? TargetRevision);

/// <summary><c>v1alpha1ApplicationDestination</c>.</summary>
internal sealed record ArgoApplicationDestination(string? Server, string? Name, string? Namespace);

/// <summary><c>v1alpha1SyncPolicy</c>.</summary>
internal sealed record ArgoSyncPolicy(ArgoSyncPolicyAutomated? Automated);

/// <summary><c>v1alpha1SyncPolicyAutomated</c>. Present without <c>enabled</c> means enabled.</summary>
internal sealed record ArgoSyncPolicyAutomated(bool? Enabled, bool? Prune, bool? SelfHeal);

/// <summary><c>v1alpha1ApplicationStatus</c>.</summary>
internal sealed record ArgoApplicationStatus(
    ArgoSyncStatus? Sync,
    ArgoAppHealthStatus? Health,
    IReadOnlyList<ArgoRevisionHistory>? History,
    IReadOnlyList<ArgoApplicationCondition>? Conditions,
    ArgoOperationState? OperationState,
    IReadOnlyList<ArgoResourceStatus>? Resources,
    DateTimeOffset? ReconciledAt);

/// <summary><c>v1alpha1SyncStatus</c>.</summary>
internal sealed record ArgoSyncStatus(string? Status, string? Revision, IReadOnlyList<string>? Revisions);

/// <summary><c>v1alpha1AppHealthStatus</c>.</summary>
internal sealed record ArgoAppHealthStatus(string? Status, string? Message);

/// <summary><c>v1alpha1HealthStatus</c>, the health of one managed resource.</summary>
internal sealed record ArgoHealthStatus(string? Status, string? Message);

/// <summary><c>v1alpha1RevisionHistory</c>.</summary>
internal sealed record ArgoRevisionHistory(
    long Id,
    string? Revision,
    IReadOnlyList<string>? Revisions,
    DateTimeOffset? DeployedAt,
    DateTimeOffset? DeployStartedAt,
    ArgoApplicationSource? Source,
    IReadOnlyList<ArgoApplicationSource>? Sources,
    ArgoOperationInitiator? InitiatedBy);

/// <summary><c>v1alpha1OperationInitiator</c>.</summary>
internal sealed record ArgoOperationInitiator(string? Username, bool? Automated);

/// <summary><c>v1alpha1ApplicationCondition</c>.</summary>
internal sealed record ArgoApplicationCondition(string? Type, string? Message, DateTimeOffset? LastTransitionTime);

/// <summary><c>v1alpha1OperationState</c>.</summary>
internal sealed record ArgoOperationState(
    string? Phase,
    string? Message,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt,
    ArgoSyncOperationResult? SyncResult);

/// <summary><c>v1alpha1SyncOperationResult</c>.</summary>
internal sealed record ArgoSyncOperationResult(string? Revision);

/// <summary><c>applicationv1alpha1ResourceStatus</c>: one entry of <c>status.resources</c>.</summary>
internal sealed record ArgoResourceStatus(
    string? Group,
    string? Kind,
    string? Namespace,
    string? Name,
    string? Status,
    ArgoHealthStatus? Health,
    bool? RequiresPruning);

/// <summary><c>v1alpha1Operation</c>: the operation a sync or rollback request started.</summary>
internal sealed record ArgoOperation(ArgoSyncOperation? Sync, ArgoOperationInitiator? InitiatedBy);

/// <summary><c>v1alpha1SyncOperation</c>.</summary>
internal sealed record ArgoSyncOperation(string? Revision, bool? Prune, bool? DryRun);

/// <summary><c>applicationManagedResourcesResponse</c>.</summary>
internal sealed record ArgoManagedResources(IReadOnlyList<ArgoResourceDiff>? Items);

/// <summary><c>v1alpha1ResourceDiff</c>: the states are JSON documents serialised into strings, <c>"null"</c> when absent.</summary>
internal sealed record ArgoResourceDiff(
    string? Group,
    string? Kind,
    string? Namespace,
    string? Name,
    string? TargetState,
    string? LiveState,
    string? NormalizedLiveState,
    string? PredictedLiveState,
    bool? Modified,
    bool? Hook);

/// <summary>
/// <c>applicationApplicationSyncRequest</c>. <c>prune</c> and <c>dryRun</c> are always sent, so ArgoCD never picks a
/// default; <c>infos</c> records on the operation which agent asked, for whom.
/// </summary>
internal sealed record ArgoSyncRequest(string Name, string? Revision, bool DryRun, bool Prune, IReadOnlyList<ArgoInfo>? Infos);

/// <summary><c>v1alpha1Info</c>.</summary>
internal sealed record ArgoInfo(string Name, string Value);

/// <summary><c>applicationApplicationRollbackRequest</c>.</summary>
internal sealed record ArgoRollbackRequest(string Name, long Id, bool DryRun, bool Prune);

/// <summary><c>runtimeError</c>: the body of every ArgoCD error answer; <c>code</c> is a gRPC status code.</summary>
internal sealed record ArgoRuntimeError(string? Error, int? Code, string? Message);
