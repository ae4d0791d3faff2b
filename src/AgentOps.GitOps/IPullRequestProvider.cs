using AgentOps.Core;

namespace AgentOps.GitOps;

/// <summary>
/// Where agents open pull requests and reviewers act on them. Implemented by the embedded <see cref="LocalForge"/>;
/// a GitHub implementation plugs in through configuration.
/// </summary>
public interface IPullRequestProvider
{
    Task<PullRequestRecord> OpenAsync(PullRequestDraft draft, CancellationToken cancellationToken = default);

    Task<PullRequestRecord?> GetAsync(string repository, long number, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<PullRequestRecord>> ListAsync(string? repository = null, PullRequestState? state = null, CancellationToken cancellationToken = default);

    Task<string> DiffAsync(string repository, long number, CancellationToken cancellationToken = default);

    Task<PullRequestRecord> ApproveAsync(string repository, long number, string reviewer, CancellationToken cancellationToken = default);

    Task<PullRequestRecord> MergeAsync(string repository, long number, string reviewer, CancellationToken cancellationToken = default);

    Task<PullRequestRecord> CloseAsync(string repository, long number, string actor, CancellationToken cancellationToken = default);
}

public sealed record PullRequestDraft(
    string Repository,
    string SourceBranch,
    string TargetBranch,
    string Title,
    string Body,
    string Author,
    string Requester,
    string? RunId);
