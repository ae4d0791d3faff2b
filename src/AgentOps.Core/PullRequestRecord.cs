namespace AgentOps.Core;

/// <summary>A pull request on the embedded local forge.</summary>
public sealed record PullRequestRecord(
    long Number,
    string Repository,
    string SourceBranch,
    string TargetBranch,
    string Title,
    string Body,
    string Author,
    string Requester,
    PullRequestState State,
    string? RunId,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    string? MergedBy = null,
    string? MergeCommit = null);

public enum PullRequestState
{
    Open,
    Merged,
    Closed,
}

/// <param name="HeadSha">The source branch's tip the reviewer approved; a merge needs an approval of the tip it merges.</param>
public sealed record PullRequestApproval(long Number, string Approver, DateTimeOffset ApprovedAt, string? HeadSha = null);

/// <summary>Pull-request records of the local forge. The Git data itself lives in the bare repository.</summary>
public interface IPullRequestStore
{
    /// <summary>Stores a new pull request; the store assigns <see cref="PullRequestRecord.Number"/> (1, 2, 3 … per repository).</summary>
    Task<PullRequestRecord> CreateAsync(PullRequestRecord draft, CancellationToken cancellationToken = default);

    Task<PullRequestRecord?> GetAsync(string repository, long number, CancellationToken cancellationToken = default);

    /// <summary>Newest first; null filters match everything.</summary>
    Task<IReadOnlyList<PullRequestRecord>> ListAsync(string? repository = null, PullRequestState? state = null, CancellationToken cancellationToken = default);

    Task UpdateAsync(PullRequestRecord record, CancellationToken cancellationToken = default);

    Task AddApprovalAsync(string repository, PullRequestApproval approval, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<PullRequestApproval>> ListApprovalsAsync(string repository, long number, CancellationToken cancellationToken = default);
}
