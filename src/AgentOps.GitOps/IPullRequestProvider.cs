using AgentOps.Core;

namespace AgentOps.GitOps;

/// <summary>
/// Where agents open pull requests and reviewers act on them: the embedded <see cref="LocalForge"/>, or GitHub
/// (<see cref="GitHub.GitHubPullRequestProvider"/>), chosen by <c>AgentOps:Git:Provider</c>.
/// </summary>
/// <remarks>
/// <see cref="MergeAsync"/> is where the four-eyes rule lives, in every implementation: the merger is a human, and a
/// human other than the requester and the author approved the pull request at its current head.
/// </remarks>
public interface IPullRequestProvider
{
    /// <summary>Where a person opens the pull request: <c>forge://…</c> locally, the GitHub page otherwise.</summary>
    string LinkFor(string repository, long number);

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
