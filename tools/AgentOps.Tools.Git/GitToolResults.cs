namespace AgentOps.Tools.Git;

public sealed record BranchResult(string Repo, string Branch, string Head);

public sealed record FilesWritten(string Repo, string Branch, IReadOnlyList<string> Paths);

public sealed record CommitResult(string Repo, string Branch, string Sha, string Author, string? CoAuthor);

public sealed record BranchDeleted(string Repo, string Branch, bool Deleted);

public sealed record FileContent(string Repo, string Branch, string Path, bool Exists, string? Content);

public sealed record PullRequestSummary(long Number, string Repo, string Branch, string Base, string Title, string State, string Author, string Requester, string Url);

public sealed record PullRequestList(IReadOnlyList<PullRequestSummary> PullRequests);

/// <summary>One file in a <c>files_write</c> call. <c>mode</c> is <c>create</c> (replace) or <c>append</c>.</summary>
public sealed record FileWrite(string Path, string Content, string Mode = "create");
