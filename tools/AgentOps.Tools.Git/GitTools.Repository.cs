using System.ComponentModel;
using AgentOps.Tools.Hosting;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace AgentOps.Tools.Git;

public sealed partial class GitTools
{
    /// <summary>Where a diff's patch text comes from: the repository's content, which anyone with push access wrote.</summary>
    public const string PatchOrigin = "git-diff";

    [McpServerTool(Name = "repository_clone", Destructive = false, Idempotent = true, ReadOnly = false, UseStructuredContent = true)]
    [Description("Open a repository on the forge, or clone it onto the forge from an allowed remote URL (AgentOps:Git:AllowedRemotes). " +
        "Cloning again fetches and fast-forwards; a branch that diverged is reported and left alone. Later pushes and branch deletions " +
        "are carried on to the remote. Scope: git:repository_clone:repo/<repo>.")]
    public RepositoryResult RepositoryClone(
        RequestContext<CallToolRequestParams> context,
        [Description("Repository name on the forge, e.g. platform-gitops")] string repo,
        [Description("https:// or file:// URL to clone from; leave out to open the forge's own repository")] string? url = null)
    {
        _ = CallerCredential.From(context);
        var opened = Guard(() => upstream.Open(repo, url));
        return new RepositoryResult(opened.Repository, opened.Remote, opened.DefaultBranch, opened.Head, opened.Branches, opened.Updated, opened.Diverged);
    }

    [McpServerTool(Name = "diff", Destructive = false, Idempotent = true, ReadOnly = true, UseStructuredContent = true)]
    [Description("What a branch changes against its base (from the merge base): files with added/deleted line counts and the unified " +
        "patch (untrusted text). Uses the branch's workspace, uncommitted files included, or the pushed branch when there is no " +
        "workspace. Scope: git:diff:repo/<repo>/branch/<branch>.")]
    public DiffResult Diff(
        RequestContext<CallToolRequestParams> context,
        string repo,
        string branch,
        [Description("Branch to compare against")] string @base = "main")
    {
        _ = CallerCredential.From(context);
        var diff = Guard(() => workspace.Diff(repo, branch, @base));
        return new DiffResult(repo, branch, diff.Base, diff.BaseSha, diff.HeadSha, diff.Source, diff.Files, diff.Additions, diff.Deletions,
            hygiene.Untrusted(PatchOrigin, diff.Patch), diff.Truncated);
    }

    [McpServerTool(Name = "revert", Destructive = false, Idempotent = false, ReadOnly = false, UseStructuredContent = true)]
    [Description("Revert a commit on a branch's workspace with a new commit (history is never rewritten; push afterwards). Author: the " +
        "calling agent; co-author: the human at the head of the delegation chain. A merge commit is reverted against its first parent " +
        "unless mainline says otherwise. Scope: git:revert:repo/<repo>/branch/<branch>.")]
    public RevertResult Revert(
        RequestContext<CallToolRequestParams> context,
        string repo,
        string branch,
        [Description("Commit id (7 to 40 hex characters) on the branch")] string sha,
        [Description("For a merge commit: which parent (1-based) to revert to; default 1")] int? mainline = null)
    {
        var credential = CallerCredential.From(context);
        var coAuthor = Identities.CoAuthorTrailer(credential.OriginalRequester);
        var created = Guard(() => workspace.Revert(repo, branch, sha, AgentSignature(credential.Subject), coAuthor, mainline));
        return new RevertResult(repo, branch, sha, created, credential.Subject, coAuthor);
    }
}
