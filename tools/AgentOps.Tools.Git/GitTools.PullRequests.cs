using System.ComponentModel;
using AgentOps.Core;
using AgentOps.GitOps;
using AgentOps.Tools.Hosting;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace AgentOps.Tools.Git;

public sealed partial class GitTools
{
    /// <summary>Where a pull request's description comes from: whoever can edit the pull request wrote it.</summary>
    public const string PullRequestBodyOrigin = "pull-request-body";

    [McpServerTool(Name = "pull_request_open", Destructive = false, Idempotent = false, ReadOnly = false, UseStructuredContent = true)]
    [Description("Open a pull request from a pushed branch. It waits for a human reviewer. Scope: git:pull_request_open:repo/<repo>/branch/<branch>.")]
    public async Task<PullRequestSummary> PullRequestOpen(
        RequestContext<CallToolRequestParams> context, string repo, string branch, string title, string body, string @base = "main",
        CancellationToken cancellationToken = default)
    {
        var credential = CallerCredential.From(context);
        var draft = new PullRequestDraft(repo, branch, @base, title, body, credential.Subject, credential.OriginalRequester, RunId: credential.ContextId);
        var pr = await GuardAsync(() => pullRequests.OpenAsync(draft, cancellationToken)).ConfigureAwait(false);
        return Summary(pr);
    }

    [McpServerTool(Name = "pull_request_close", Destructive = true, Idempotent = true, ReadOnly = false, UseStructuredContent = true)]
    [Description("Close a pull request without merging. The branch must be the pull request's own: the scope is bound to it. Scope: git:pull_request_close:repo/<repo>/branch/<branch>.")]
    public async Task<PullRequestSummary> PullRequestClose(RequestContext<CallToolRequestParams> context, string repo, string branch, long number, CancellationToken cancellationToken = default)
    {
        var credential = CallerCredential.From(context);
        var existing = await GuardAsync(() => pullRequests.GetAsync(repo, number, cancellationToken)).ConfigureAwait(false)
            ?? throw new McpException($"There is no pull request #{number} in '{repo}'.");
        if (existing.SourceBranch != branch)
        {
            throw new McpException($"Pull request #{number} is from branch '{existing.SourceBranch}', not '{branch}'; a token for one branch cannot close another's pull request.");
        }
        var pr = await GuardAsync(() => pullRequests.CloseAsync(repo, number, credential.Subject, cancellationToken)).ConfigureAwait(false);
        return Summary(pr);
    }

    [McpServerTool(Name = "pull_request_get", Destructive = false, Idempotent = true, ReadOnly = true, UseStructuredContent = true)]
    [Description("Get one pull request. Its body is returned as untrusted text. Scope: git:pull_request_get:repo/<repo>.")]
    public async Task<PullRequestSummary> PullRequestGet(RequestContext<CallToolRequestParams> context, string repo, long number, CancellationToken cancellationToken = default)
    {
        _ = CallerCredential.From(context);
        var pr = await GuardAsync(() => pullRequests.GetAsync(repo, number, cancellationToken)).ConfigureAwait(false)
            ?? throw new McpException($"There is no pull request #{number} in '{repo}'.");
        return Summary(pr, withBody: true);
    }

    [McpServerTool(Name = "pull_request_list", Destructive = false, Idempotent = true, ReadOnly = true, UseStructuredContent = true)]
    [Description("List pull requests of a repository, newest first; bodies are returned as untrusted text. Scope: git:pull_request_list:repo/<repo>.")]
    public async Task<PullRequestList> PullRequestList(
        RequestContext<CallToolRequestParams> context,
        string repo,
        [Description("open, merged or closed; all when left out")] string? state = null,
        CancellationToken cancellationToken = default)
    {
        _ = CallerCredential.From(context);
        PullRequestState? filter = state is null ? null
            : Enum.TryParse<PullRequestState>(state, ignoreCase: true, out var s) && Enum.IsDefined(s) ? s
            : throw new McpException($"'{state}' is not a state; use open, merged or closed.");
        var list = await GuardAsync(() => pullRequests.ListAsync(repo, filter, cancellationToken)).ConfigureAwait(false);
        return new PullRequestList(list.Select(pr => Summary(pr, withBody: true)).ToArray());
    }

    [McpServerTool(Name = "pull_request_merge", Destructive = true, Idempotent = true, ReadOnly = false, UseStructuredContent = true)]
    [Description("Merge a pull request into its base branch, on behalf of the human at the root of the delegation chain. Refused unless a human " +
        "other than its author and requester approved its current head; agents never merge on their own. Merging an already merged pull " +
        "request changes nothing. Scope: git:pull_request_merge:repo/<repo>/pr/<number>.")]
    public async Task<PullRequestSummary> PullRequestMerge(RequestContext<CallToolRequestParams> context, string repo, long number, CancellationToken cancellationToken = default)
    {
        var credential = CallerCredential.From(context);
        var existing = await GuardAsync(() => pullRequests.GetAsync(repo, number, cancellationToken)).ConfigureAwait(false)
            ?? throw new McpException($"There is no pull request #{number} in '{repo}'.");
        if (existing.State == PullRequestState.Merged)
        {
            return Summary(existing);
        }
        // The merger is the human who delegated, never the agent presenting the token: the provider refuses agents.
        var merged = await GuardAsync(() => pullRequests.MergeAsync(repo, number, credential.OriginalRequester, cancellationToken)).ConfigureAwait(false);
        return Summary(merged);
    }

    private PullRequestSummary Summary(PullRequestRecord pr, bool withBody = false) => new(
        pr.Number, pr.Repository, pr.SourceBranch, pr.TargetBranch, pr.Title, pr.State.ToString().ToLowerInvariant(),
        pr.Author, pr.Requester, pullRequests.LinkFor(pr.Repository, pr.Number),
        withBody ? hygiene.Untrusted(PullRequestBodyOrigin, pr.Body) : null,
        pr.MergedBy, pr.MergeCommit);
}
