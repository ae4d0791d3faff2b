using AgentOps.GitOps;
using AgentOps.Tools.Hosting;

namespace AgentOps.Tools.Git;

public sealed record BranchResult(string Repo, string Branch, string Head);

public sealed record FilesWritten(string Repo, string Branch, IReadOnlyList<string> Paths);

public sealed record CommitResult(string Repo, string Branch, string Sha, string Author, string? CoAuthor);

public sealed record BranchDeleted(string Repo, string Branch, bool Deleted);

public sealed record FileContent(string Repo, string Branch, string Path, bool Exists, string? Content);

/// <param name="Body">The description, untrusted (anyone who can edit the pull request wrote it); only get and list return it.</param>
public sealed record PullRequestSummary(
    long Number, string Repo, string Branch, string Base, string Title, string State, string Author, string Requester, string Url,
    UntrustedText? Body = null, string? MergedBy = null, string? MergeCommit = null);

public sealed record PullRequestList(IReadOnlyList<PullRequestSummary> PullRequests);

/// <summary>One file in a <c>files_write</c> call. <c>mode</c> is <c>create</c> (replace) or <c>append</c>.</summary>
public sealed record FileWrite(string Path, string Content, string Mode = "create");

/// <param name="Remote">The remote the forge copy was cloned from; null for a forge-only repository.</param>
public sealed record RepositoryResult(
    string Repo, string? Remote, string DefaultBranch, string? Head, IReadOnlyList<string> Branches, IReadOnlyList<string> Updated, IReadOnlyList<string> Diverged);

/// <param name="Patch">The unified diff: repository content, so untrusted.</param>
public sealed record DiffResult(
    string Repo, string Branch, string Base, string BaseSha, string? HeadSha, string Source, IReadOnlyList<FileDiff> Files,
    int Additions, int Deletions, UntrustedText Patch, bool Truncated);

public sealed record RevertResult(string Repo, string Branch, string Reverted, string Sha, string Author, string? CoAuthor);
