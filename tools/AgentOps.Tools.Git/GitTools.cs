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
/// Git through LibGit2Sharp against the forge's repositories, and pull requests through the configured
/// <see cref="IPullRequestProvider"/> (local forge or GitHub). Commits carry the agent as author and the human who
/// asked as co-author; both come from the verified credential, never from arguments.
/// </summary>
[McpServerToolType]
public sealed partial class GitTools(
    GitWorkspace workspace, ForgeUpstream upstream, IPullRequestProvider pullRequests, OutputHygiene hygiene, TimeProvider timeProvider, IAuditLog audit)
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
    [Description("Push the branch to the forge. Every line the push would add (each new commit, its message, new paths) is first " +
        "scanned for secrets; if one is found nothing is pushed, the refusal is audited, and the error names file, line and rule " +
        "(git.push.secret), never the value. Scope: git:push:repo/<repo>/branch/<branch>.")]
    public async Task<BranchResult> Push(RequestContext<CallToolRequestParams> context, string repo, string branch, CancellationToken cancellationToken = default)
    {
        var credential = CallerCredential.From(context);
        IReadOnlyList<SecretFinding>? found = null;
        try
        {
            return new BranchResult(repo, branch, workspace.Push(repo, branch, findings => found = findings));
        }
        catch (ForgeRuleException refused) when (found is not null)
        {
            var audited = await PushAudit.RecordRefusalAsync(audit, credential, repo, branch, found, refused.Message, cancellationToken).ConfigureAwait(false);
            throw new McpException($"{refused.Message}{audited} (rule {refused.Rule})", refused);
        }
        catch (Exception ex) when (Visible(ex) is { } visible)
        {
            throw visible;
        }
    }

    [McpServerTool(Name = "branch_delete", Destructive = true, Idempotent = true, ReadOnly = false, UseStructuredContent = true)]
    [Description("Delete a branch's workspace and, with remote=true, the branch on the forge. main is protected. Scope: git:branch_delete:repo/<repo>/branch/<branch>.")]
    public BranchDeleted BranchDelete(RequestContext<CallToolRequestParams> context, string repo, string branch, bool remote = false)
    {
        _ = CallerCredential.From(context);
        return Guard(() => new BranchDeleted(repo, branch, workspace.DeleteBranch(repo, branch, remote)));
    }

    private Signature AgentSignature(string agentId) => new(Identities.AgentName(agentId), Identities.AgentEmail(agentId), timeProvider.GetUtcNow());

    // Forge rules, Git errors and backend failures are the caller's business: show them, rather than the SDK's
    // generic error. A refused rule is named, so the caller (or a human reading the audit) knows which one.
    private static T Guard<T>(Func<T> action)
    {
        try
        {
            return action();
        }
        catch (Exception ex) when (Visible(ex) is { } visible)
        {
            throw visible;
        }
    }

    private static async Task<T> GuardAsync<T>(Func<Task<T>> action)
    {
        try
        {
            return await action().ConfigureAwait(false);
        }
        catch (Exception ex) when (Visible(ex) is { } visible)
        {
            throw visible;
        }
    }

    private static McpException? Visible(Exception ex) => ex switch
    {
        ForgeRuleException rule => new McpException($"{rule.Message} (rule {rule.Rule})", rule),
        LibGit2SharpException or IOException or PullRequestProviderException => new McpException(ex.Message, ex),
        _ => null,
    };
}
