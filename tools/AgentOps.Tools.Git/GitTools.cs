using System.ComponentModel;
using AgentOps.Core;
using AgentOps.GitOps;
using AgentOps.Tools.Hosting;
using LibGit2Sharp;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace AgentOps.Tools.Git;

/// <summary>
/// Git through LibGit2Sharp against the local forge. Commits carry the agent as author and the human
/// who asked as co-author; both come from the verified credential, never from arguments.
/// </summary>
[McpServerToolType]
public sealed class GitTools(GitWorkspace workspace, LocalForge forge, TimeProvider timeProvider)
{
    [McpServerTool(Name = "branch_create", Destructive = false, Idempotent = false, ReadOnly = false, UseStructuredContent = true)]
    [Description("Clone the repository and create a new branch from the base branch. Scope: git:branch_create:repo/<repo>/branch/<branch>.")]
    public BranchResult BranchCreate(
        RequestContext<CallToolRequestParams> context,
        [Description("Repository name on the forge, e.g. platform-gitops")] string repo,
        [Description("New branch name, e.g. agentops/payments/payments-api-db")] string branch,
        [Description("Branch to start from")] string @base = "main")
    {
        _ = CallerCredential.From(context);
        return Guard(() => new BranchResult(repo, branch, workspace.CreateBranch(repo, branch, @base)));
    }

    [McpServerTool(Name = "files_write", Destructive = false, Idempotent = true, ReadOnly = false, UseStructuredContent = true)]
    [Description("Write files on a branch's workspace, inside the path allow-list. mode 'append' adds to the end of an existing file. Scope: git:files_write:repo/<repo>/branch/<branch>.")]
    public FilesWritten FilesWrite(
        RequestContext<CallToolRequestParams> context,
        string repo,
        string branch,
        [Description("Files: {path, content, mode: create|append}")] FileWrite[] files)
    {
        _ = CallerCredential.From(context);
        ArgumentNullException.ThrowIfNull(files);
        if (files.Length == 0)
        {
            throw new McpException("files_write needs at least one file.");
        }
        var changes = files.Select(f => f.Mode switch
        {
            "create" => new FileChange(f.Path, f.Content),
            "append" => new FileChange(f.Path, f.Content, Append: true),
            _ => throw new McpException($"'{f.Mode}' is not a file mode; use create or append."),
        }).ToArray();
        return Guard(() => new FilesWritten(repo, branch, workspace.WriteFiles(repo, branch, changes)));
    }

    [McpServerTool(Name = "file_read", Destructive = false, Idempotent = true, ReadOnly = true, UseStructuredContent = true)]
    [Description("Read a file from a branch's workspace, or from the forge when there is no workspace. Scope: git:file_read:repo/<repo>/branch/<branch>.")]
    public FileContent FileRead(RequestContext<CallToolRequestParams> context, string repo, string branch, string path)
    {
        _ = CallerCredential.From(context);
        return Guard(() => workspace.ReadFile(repo, branch, path) is { } content
            ? new FileContent(repo, branch, path, true, content)
            : new FileContent(repo, branch, path, false, null));
    }

    [McpServerTool(Name = "commit", Destructive = false, Idempotent = false, ReadOnly = false, UseStructuredContent = true)]
    [Description("Commit every change on the branch's workspace. Author: the calling agent; co-author: the human at the head of the delegation chain. Scope: git:commit:repo/<repo>/branch/<branch>.")]
    public CommitResult Commit(RequestContext<CallToolRequestParams> context, string repo, string branch, string message)
    {
        var credential = CallerCredential.From(context);
        var author = AgentSignature(credential.Subject);
        var coAuthor = Identities.CoAuthorTrailer(credential.OriginalRequester);
        return Guard(() => new CommitResult(repo, branch, workspace.Commit(repo, branch, message, author, coAuthor), credential.Subject, coAuthor));
    }

    [McpServerTool(Name = "push", Destructive = false, Idempotent = true, ReadOnly = false, UseStructuredContent = true)]
    [Description("Push the branch to the forge. Scope: git:push:repo/<repo>/branch/<branch>.")]
    public BranchResult Push(RequestContext<CallToolRequestParams> context, string repo, string branch)
    {
        _ = CallerCredential.From(context);
        return Guard(() => new BranchResult(repo, branch, workspace.Push(repo, branch)));
    }

    [McpServerTool(Name = "branch_delete", Destructive = true, Idempotent = true, ReadOnly = false, UseStructuredContent = true)]
    [Description("Delete a branch's workspace and, with remote=true, the branch on the forge. main is protected. Scope: git:branch_delete:repo/<repo>/branch/<branch>.")]
    public BranchDeleted BranchDelete(RequestContext<CallToolRequestParams> context, string repo, string branch, bool remote = false)
    {
        _ = CallerCredential.From(context);
        return Guard(() => new BranchDeleted(repo, branch, workspace.DeleteBranch(repo, branch, remote)));
    }

    [McpServerTool(Name = "pull_request_open", Destructive = false, Idempotent = false, ReadOnly = false, UseStructuredContent = true)]
    [Description("Open a pull request from a pushed branch. It waits for a human reviewer. Scope: git:pull_request_open:repo/<repo>/branch/<branch>.")]
    public async Task<PullRequestSummary> PullRequestOpen(
        RequestContext<CallToolRequestParams> context, string repo, string branch, string title, string body, string @base = "main",
        CancellationToken cancellationToken = default)
    {
        var credential = CallerCredential.From(context);
        var draft = new PullRequestDraft(repo, branch, @base, title, body, credential.Subject, credential.OriginalRequester, RunId: credential.ContextId);
        var pr = await GuardAsync(() => forge.OpenAsync(draft, cancellationToken)).ConfigureAwait(false);
        return Summary(pr);
    }

    [McpServerTool(Name = "pull_request_close", Destructive = true, Idempotent = true, ReadOnly = false, UseStructuredContent = true)]
    [Description("Close a pull request without merging. The branch must be the pull request's own: the scope is bound to it. Scope: git:pull_request_close:repo/<repo>/branch/<branch>.")]
    public async Task<PullRequestSummary> PullRequestClose(RequestContext<CallToolRequestParams> context, string repo, string branch, long number, CancellationToken cancellationToken = default)
    {
        var credential = CallerCredential.From(context);
        var existing = await forge.GetAsync(repo, number, cancellationToken).ConfigureAwait(false)
            ?? throw new McpException($"There is no pull request #{number} in '{repo}'.");
        if (existing.SourceBranch != branch)
        {
            throw new McpException($"Pull request #{number} is from branch '{existing.SourceBranch}', not '{branch}'; a token for one branch cannot close another's pull request.");
        }
        var pr = await GuardAsync(() => forge.CloseAsync(repo, number, credential.Subject, cancellationToken)).ConfigureAwait(false);
        return Summary(pr);
    }

    [McpServerTool(Name = "pull_request_get", Destructive = false, Idempotent = true, ReadOnly = true, UseStructuredContent = true)]
    [Description("Get one pull request. Scope: git:pull_request_get:repo/<repo>.")]
    public async Task<PullRequestSummary> PullRequestGet(RequestContext<CallToolRequestParams> context, string repo, long number, CancellationToken cancellationToken = default)
    {
        _ = CallerCredential.From(context);
        var pr = await forge.GetAsync(repo, number, cancellationToken).ConfigureAwait(false)
            ?? throw new McpException($"There is no pull request #{number} in '{repo}'.");
        return Summary(pr);
    }

    [McpServerTool(Name = "pull_request_list", Destructive = false, Idempotent = true, ReadOnly = true, UseStructuredContent = true)]
    [Description("List pull requests of a repository, newest first. Scope: git:pull_request_list:repo/<repo>.")]
    public async Task<PullRequestList> PullRequestList(RequestContext<CallToolRequestParams> context, string repo, string? state = null, CancellationToken cancellationToken = default)
    {
        _ = CallerCredential.From(context);
        PullRequestState? filter = state is null ? null
            : Enum.TryParse<PullRequestState>(state, ignoreCase: true, out var s) ? s
            : throw new McpException($"'{state}' is not a state; use open, merged or closed.");
        var list = await forge.ListAsync(repo, filter, cancellationToken).ConfigureAwait(false);
        return new PullRequestList(list.Select(Summary).ToArray());
    }

    private Signature AgentSignature(string agentId) => new(Identities.AgentName(agentId), Identities.AgentEmail(agentId), timeProvider.GetUtcNow());

    private static PullRequestSummary Summary(PullRequestRecord pr) => new(
        pr.Number, pr.Repository, pr.SourceBranch, pr.TargetBranch, pr.Title, pr.State.ToString().ToLowerInvariant(),
        pr.Author, pr.Requester, $"forge://{pr.Repository}/pulls/{pr.Number}");

    // Forge rules and Git errors are the caller's business: show them, rather than the SDK's generic error.
    private static T Guard<T>(Func<T> action)
    {
        try
        {
            return action();
        }
        catch (Exception ex) when (ex is ForgeRuleException or LibGit2SharpException or IOException)
        {
            throw new McpException(ex.Message, ex);
        }
    }

    private static async Task<T> GuardAsync<T>(Func<Task<T>> action)
    {
        try
        {
            return await action().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is ForgeRuleException or LibGit2SharpException or IOException)
        {
            throw new McpException(ex.Message, ex);
        }
    }
}
