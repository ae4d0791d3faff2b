using System.ComponentModel;
using AgentOps.Identity;
using AgentOps.Tools.Hosting;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace AgentOps.Tools.ArgoCD;

/// <summary>
/// ArgoCD applications over its REST API: read them, see what drifted, sync, roll back. The caller's delegated token
/// has been checked by the credential filter before any of these run; ArgoCD itself sees only this server's own token.
/// </summary>
[McpServerToolType]
internal sealed class ArgoCdTools(ArgoCdClient argo, ApplicationViews views, ManifestDiff diff)
{
    private const int MaxSelectorLength = 1024;
    private const int MaxRevisionLength = 255;

    [McpServerTool(Name = "applications_list", ReadOnly = true, Destructive = false, Idempotent = true, UseStructuredContent = true)]
    [Description("List ArgoCD applications with their sync and health status, optionally only some projects or a label selector. Scope: argocd:read:apps.")]
    public async Task<ApplicationList> ApplicationsList(
        RequestContext<CallToolRequestParams> context,
        [Description("Only applications of these ArgoCD projects, e.g. [\"default\"]")] string[]? projects = null,
        [Description("Only applications whose labels match this Kubernetes label selector, e.g. team=payments")] string? selector = null,
        CancellationToken cancellationToken = default)
    {
        _ = CallerCredential.From(context);
        var projectNames = (projects ?? []).Select(p => ApplicationName.Require(p, "project name")).ToArray();
        if (selector is { Length: > MaxSelectorLength } || selector?.Any(char.IsControl) == true)
        {
            throw new McpException($"selector must be a Kubernetes label selector of at most {MaxSelectorLength} characters.");
        }
        return await Guard(async () =>
        {
            var list = await argo.ListApplicationsAsync(projectNames, string.IsNullOrWhiteSpace(selector) ? null : selector, cancellationToken).ConfigureAwait(false);
            var items = (list.Items ?? []).Select(views.ListItem).OrderBy(a => a.Name, StringComparer.Ordinal).ToArray();
            return new ApplicationList(items.Length, items);
        }).ConfigureAwait(false);
    }

    [McpServerTool(Name = "application_get", ReadOnly = true, Destructive = false, Idempotent = true, UseStructuredContent = true)]
    [Description("Get one ArgoCD application: sources, destination, sync and health status, the last operation, conditions and resource counts. Messages and annotations come back as untrusted text. Scope: argocd:read:app/<name>.")]
    public async Task<ApplicationDetail> ApplicationGet(
        RequestContext<CallToolRequestParams> context,
        [Description("Application name, e.g. guestbook")] string name,
        CancellationToken cancellationToken = default)
    {
        _ = CallerCredential.From(context);
        ApplicationName.Require(name);
        return await Guard(async () => views.Detail(await argo.GetApplicationAsync(name, cancellationToken).ConfigureAwait(false))).ConfigureAwait(false);
    }

    [McpServerTool(Name = "application_history", ReadOnly = true, Destructive = false, Idempotent = true, UseStructuredContent = true)]
    [Description("Deployment history of an ArgoCD application, newest first: id (for application_rollback), revision, deployedAt, source. Scope: argocd:read:app/<name>.")]
    public async Task<ApplicationHistory> ApplicationHistory(
        RequestContext<CallToolRequestParams> context,
        [Description("Application name, e.g. guestbook")] string name,
        CancellationToken cancellationToken = default)
    {
        _ = CallerCredential.From(context);
        ApplicationName.Require(name);
        return await Guard(async () => views.History(name, await argo.GetApplicationAsync(name, cancellationToken).ConfigureAwait(false))).ConfigureAwait(false);
    }

    [McpServerTool(Name = "application_resources_diff", ReadOnly = true, Destructive = false, Idempotent = true, UseStructuredContent = true)]
    [Description("The resources an ArgoCD application manages, which are out of sync, and a compact field-level diff of live against desired state. Secret values are never returned. Scope: argocd:read:app/<name>.")]
    public async Task<ApplicationResourcesDiff> ApplicationResourcesDiff(
        RequestContext<CallToolRequestParams> context,
        [Description("Application name, e.g. guestbook")] string name,
        CancellationToken cancellationToken = default)
    {
        _ = CallerCredential.From(context);
        ApplicationName.Require(name);
        return await Guard(async () =>
        {
            var managed = await argo.GetManagedResourcesAsync(name, cancellationToken).ConfigureAwait(false);
            var resources = (managed.Items ?? []).Select(diff.Summarize).ToArray();
            return new ApplicationResourcesDiff(name, resources.Length, resources.Count(r => r.State != "Synced"), resources);
        }).ConfigureAwait(false);
    }

    [McpServerTool(Name = "application_sync", ReadOnly = false, Destructive = true, Idempotent = false, UseStructuredContent = true)]
    [Description("Sync an ArgoCD application to its target state, or to a given revision. Prune is off unless asked for: resources missing from Git are kept. dry_run computes the sync without applying it. ArgoCD runs the sync asynchronously; follow it with application_get. Scope: argocd:sync:app/<name>.")]
    public async Task<OperationStarted> ApplicationSync(
        RequestContext<CallToolRequestParams> context,
        [Description("Application name, e.g. guestbook")] string name,
        [Description("Git revision (commit, branch, tag) or Helm chart version to sync to; the application's target revision when omitted")] string? revision = null,
        [Description("Compute the sync without applying anything")] bool dry_run = false,
        [Description("Delete resources that are no longer in Git. Off by default")] bool prune = false,
        CancellationToken cancellationToken = default)
    {
        var credential = CallerCredential.From(context);
        ApplicationName.Require(name);
        if (revision is not null && (revision.Length is 0 or > MaxRevisionLength || revision.Any(c => char.IsWhiteSpace(c) || char.IsControl(c))))
        {
            throw new McpException($"revision must be a commit, branch, tag or chart version: 1 to {MaxRevisionLength} characters, no spaces.");
        }
        var app = await Guard(() => argo.SyncAsync(new ArgoSyncRequest(name, revision, dry_run, prune, Provenance(credential)), cancellationToken)).ConfigureAwait(false);
        return Started(app, name, "sync", dry_run, prune, revision ?? app.Operation?.Sync?.Revision, historyId: null, credential.Subject);
    }

    [McpServerTool(Name = "application_rollback", ReadOnly = false, Destructive = true, Idempotent = false, UseStructuredContent = true)]
    [Description("Roll an ArgoCD application back to a deployment from its history (id from application_history). Prune is off unless asked for. ArgoCD refuses a rollback while automated sync is on. Scope: argocd:rollback:app/<name>.")]
    public async Task<OperationStarted> ApplicationRollback(
        RequestContext<CallToolRequestParams> context,
        [Description("Application name, e.g. guestbook")] string name,
        [Description("History id to roll back to, from application_history")] long id,
        [Description("Compute the rollback without applying anything")] bool dry_run = false,
        [Description("Delete resources the old revision does not have. Off by default")] bool prune = false,
        CancellationToken cancellationToken = default)
    {
        var credential = CallerCredential.From(context);
        ApplicationName.Require(name);
        if (id < 0)
        {
            throw new McpException("id must be a history id from application_history (0 or more).");
        }
        var app = await Guard(() => argo.RollbackAsync(new ArgoRollbackRequest(name, id, dry_run, prune), cancellationToken)).ConfigureAwait(false);
        return Started(app, name, "rollback", dry_run, prune, app.Operation?.Sync?.Revision, id, credential.Subject);
    }

    private OperationStarted Started(ArgoApplication app, string name, string operation, bool dryRun, bool prune, string? revision, long? historyId, string caller)
    {
        try
        {
            return Describe(app, name, operation, dryRun, prune, revision, historyId, caller);
        }
        catch (OutputWithheldException ex)
        {
            // The operation was accepted: saying "try again" here would start it twice.
            throw new McpException($"ArgoCD accepted the {operation} of '{name}', but its answer could not be screened for secrets in time. Do not repeat the {operation}: application_get shows its state.", ex);
        }
    }

    private OperationStarted Describe(ArgoApplication app, string name, string operation, bool dryRun, bool prune, string? revision, long? historyId, string caller) =>
        new(
            name,
            operation,
            dryRun,
            prune,
            revision,
            historyId,
            app.Operation?.InitiatedBy?.Username,
            views.Sync(app.Status),
            views.Health(app.Status),
            dryRun
                ? $"ArgoCD accepted a dry-run {operation} requested by {caller}: nothing is applied. application_get shows the operation's result."
                : $"ArgoCD accepted the {operation} requested by {caller}. It runs asynchronously: application_get shows its phase, then the new sync and health status.");

    // Shown by ArgoCD with the operation, so whoever looks at the application there sees which agent synced it and for whom.
    private static ArgoInfo[] Provenance(VerifiedCredential credential) =>
        [new("agentops-agent", credential.Subject), new("agentops-requested-by", credential.OriginalRequester)];

    private static async Task<T> Guard<T>(Func<Task<T>> call)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (ArgoCdRequestException ex)
        {
            throw new McpException(ex.Message, ex);
        }
        catch (OutputWithheldException ex)
        {
            // Redaction fails closed: better no answer than an unscreened one.
            throw new McpException("ArgoCD answered, but the answer could not be screened for secrets in time, so none of it is returned. Try again.", ex);
        }
    }
}
