using AgentOps.Tools.Hosting;

namespace AgentOps.Tools.ArgoCD;

/// <summary>Turns ArgoCD's wire shapes into the tools' results, marking every third-party message untrusted.</summary>
internal sealed class ApplicationViews(OutputHygiene hygiene)
{
    public const string AnnotationsOrigin = "argocd-annotations";
    public const string ConditionsOrigin = "argocd-conditions";
    public const string HealthOrigin = "argocd-health";
    public const string OperationOrigin = "argocd-operation";

    private const string Unknown = "Unknown";
    private const string LastAppliedAnnotation = "kubectl.kubernetes.io/last-applied-configuration";
    private const int MaxAnnotationLength = 1000;

    public ApplicationListItem ListItem(ArgoApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return new ApplicationListItem(
            app.Metadata?.Name ?? string.Empty,
            app.Metadata?.Namespace,
            app.Spec?.Project,
            app.Status?.Sync?.Status ?? Unknown,
            app.Status?.Health?.Status ?? Unknown,
            Sources(app.Spec?.Source, app.Spec?.Sources),
            Destination(app.Spec?.Destination));
    }

    public ApplicationDetail Detail(ArgoApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var status = app.Status;
        var resources = status?.Resources ?? [];
        var automated = app.Spec?.SyncPolicy?.Automated;
        return new ApplicationDetail(
            app.Metadata?.Name ?? string.Empty,
            app.Metadata?.Namespace,
            app.Spec?.Project,
            Sources(app.Spec?.Source, app.Spec?.Sources),
            Destination(app.Spec?.Destination),
            Sync(status),
            Health(status),
            new AutoSyncPolicy(automated is not null && automated.Enabled != false, automated?.Prune == true, automated?.SelfHeal == true),
            status?.OperationState is { } operation
                ? new OperationSummary(operation.Phase, Untrusted(OperationOrigin, operation.Message), operation.StartedAt, operation.FinishedAt, operation.SyncResult?.Revision)
                : null,
            (status?.Conditions ?? []).Select(c => new ConditionSummary(c.Type, Untrusted(ConditionsOrigin, c.Message), c.LastTransitionTime)).ToArray(),
            new ResourceCounts(
                resources.Count,
                resources.Count(r => r.Status == "OutOfSync"),
                resources.Count(r => r.Health?.Status is not (null or "Healthy")),
                resources.Count(r => r.RequiresPruning == true)),
            status?.ReconciledAt,
            app.Metadata?.Labels ?? new Dictionary<string, string>(),
            Annotations(app.Metadata?.Annotations));
    }

    public ApplicationHistory History(string name, ArgoApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        // ArgoCD keeps history oldest first; the newest deployment is what a reader wants first.
        var entries = (app.Status?.History ?? [])
            .OrderByDescending(h => h.Id)
            .Select(h => new HistoryEntry(
                h.Id,
                h.Revision,
                h.Revisions ?? [],
                h.DeployedAt,
                h.DeployStartedAt,
                Sources(h.Source, h.Sources),
                h.InitiatedBy?.Username,
                h.InitiatedBy?.Automated == true))
            .ToArray();
        return new ApplicationHistory(name, app.Status?.Sync?.Revision, entries.Length, entries);
    }

    public SyncSummary Sync(ArgoApplicationStatus? status) =>
        new(status?.Sync?.Status ?? Unknown, status?.Sync?.Revision, status?.Sync?.Revisions ?? []);

    public HealthSummary Health(ArgoApplicationStatus? status) =>
        new(status?.Health?.Status ?? Unknown, Untrusted(HealthOrigin, status?.Health?.Message));

    private UntrustedText? Untrusted(string origin, string? text) => string.IsNullOrEmpty(text) ? null : hygiene.Untrusted(origin, text);

    // The hygiene filter replaces values under secret-named keys only when they are plain strings; these values are
    // wrapped, so the key rule is applied here. kubectl's last-applied copy of the whole spec (Helm values included)
    // is left out: it repeats what the spec says and is where a pasted secret would hide.
    private Dictionary<string, UntrustedText> Annotations(IReadOnlyDictionary<string, string>? annotations) =>
        (annotations ?? new Dictionary<string, string>())
            .Where(a => a.Key != LastAppliedAnnotation)
            .ToDictionary(
                a => a.Key,
                a => new UntrustedText(AnnotationsOrigin, OutputHygiene.IsSecretKey(a.Key) ? OutputHygiene.SecretKeyRule : Cap(hygiene.Redact(a.Value))),
                StringComparer.Ordinal);

    private static string Cap(string text) => text.Length > MaxAnnotationLength ? text[..MaxAnnotationLength] + "…" : text;

    private static SourceSummary[] Sources(ArgoApplicationSource? source, IReadOnlyList<ArgoApplicationSource>? sources) =>
        (sources is { Count: > 0 } ? sources : source is null ? [] : [source])
            .Select(s => new SourceSummary(s.RepoUrl, s.Path, s.Chart, s.TargetRevision))
            .ToArray();

    private static DestinationSummary? Destination(ArgoApplicationDestination? destination) =>
        destination is null ? null : new DestinationSummary(destination.Server, destination.Name, destination.Namespace);
}
