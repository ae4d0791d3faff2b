using AgentOps.Tools.Hosting;

namespace AgentOps.Tools.ArgoCD;

// What the tools return (structured content). Text written by third parties — annotations, condition, health and
// operation messages, manifest values — is UntrustedText, so a client can track taint and spotlight it.

public sealed record ApplicationList(int Count, IReadOnlyList<ApplicationListItem> Applications);

public sealed record ApplicationListItem(
    string Name,
    string? Namespace,
    string? Project,
    string SyncStatus,
    string HealthStatus,
    IReadOnlyList<SourceSummary> Sources,
    DestinationSummary? Destination);

public sealed record SourceSummary(string? RepoUrl, string? Path, string? Chart, string? TargetRevision);

public sealed record DestinationSummary(string? Server, string? Name, string? Namespace);

public sealed record ApplicationDetail(
    string Name,
    string? Namespace,
    string? Project,
    IReadOnlyList<SourceSummary> Sources,
    DestinationSummary? Destination,
    SyncSummary Sync,
    HealthSummary Health,
    AutoSyncPolicy AutoSync,
    OperationSummary? LastOperation,
    IReadOnlyList<ConditionSummary> Conditions,
    ResourceCounts Resources,
    DateTimeOffset? ReconciledAt,
    IReadOnlyDictionary<string, string> Labels,
    IReadOnlyDictionary<string, UntrustedText> Annotations);

/// <summary>Sync status as ArgoCD reports it: <c>Synced</c>, <c>OutOfSync</c> or <c>Unknown</c>.</summary>
public sealed record SyncSummary(string Status, string? Revision, IReadOnlyList<string> Revisions);

/// <summary>Health as ArgoCD reports it: <c>Healthy</c>, <c>Progressing</c>, <c>Degraded</c>, <c>Suspended</c>, <c>Missing</c> or <c>Unknown</c>.</summary>
public sealed record HealthSummary(string Status, UntrustedText? Message);

public sealed record AutoSyncPolicy(bool Enabled, bool Prune, bool SelfHeal);

public sealed record OperationSummary(string? Phase, UntrustedText? Message, DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt, string? Revision);

public sealed record ConditionSummary(string? Type, UntrustedText? Message, DateTimeOffset? LastTransitionTime);

public sealed record ResourceCounts(int Total, int OutOfSync, int Unhealthy, int RequiresPruning);

public sealed record ApplicationHistory(string Name, string? CurrentRevision, int Count, IReadOnlyList<HistoryEntry> Entries);

/// <summary>One deployment of the application; <see cref="Id"/> is what <c>application_rollback</c> takes.</summary>
public sealed record HistoryEntry(
    long Id,
    string? Revision,
    IReadOnlyList<string> Revisions,
    DateTimeOffset? DeployedAt,
    DateTimeOffset? DeployStartedAt,
    IReadOnlyList<SourceSummary> Sources,
    string? InitiatedBy,
    bool Automated);

public sealed record ApplicationResourcesDiff(string Name, int Total, int OutOfSync, IReadOnlyList<ResourceDiffSummary> Resources);

/// <summary>
/// One managed resource. <see cref="State"/> is <c>Synced</c>, <c>OutOfSync</c>, <c>Missing</c> (in Git, not in the
/// cluster) or <c>Extraneous</c> (in the cluster, not in Git: pruning would delete it). For a <c>Secret</c>,
/// <see cref="ValuesWithheld"/> is true and changes carry paths only.
/// </summary>
public sealed record ResourceDiffSummary(
    string? Group,
    string? Kind,
    string? Namespace,
    string? Name,
    string State,
    bool Hook,
    bool ValuesWithheld,
    IReadOnlyList<FieldChange> Changes,
    int ChangesOmitted);

/// <summary>A JSON pointer into the manifest, <c>added</c>, <c>removed</c> or <c>changed</c>, with both values.</summary>
public sealed record FieldChange(string Path, string Change, UntrustedText? Live, UntrustedText? Target);

/// <summary>
/// What a sync or rollback request started. ArgoCD runs operations asynchronously: this says the operation was
/// accepted, and <c>application_get</c> shows how it went.
/// </summary>
public sealed record OperationStarted(
    string Name,
    string Operation,
    bool DryRun,
    bool Prune,
    string? Revision,
    long? HistoryId,
    string? InitiatedBy,
    SyncSummary Sync,
    HealthSummary Health,
    string Note);
