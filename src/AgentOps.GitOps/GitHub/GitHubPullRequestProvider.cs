using AgentOps.Core;
using Octokit;
using Octokit.Internal;
using Polly;
using Polly.Retry;

namespace AgentOps.GitOps.GitHub;

/// <summary>
/// Pull requests on one GitHub repository through Octokit. Reviews happen on GitHub; this provider checks them with
/// the same rules as the local forge before it merges, and merges only the head commit it checked (GitHub's
/// <c>sha</c> guard), so a push after the check is refused by GitHub rather than merged unreviewed.
/// </summary>
/// <remarks>
/// Reads (GET) are retried on 5xx, timeouts and network errors; writes (open, merge, close) never are, because a
/// retried POST could open a second pull request. The token goes into the <c>Authorization</c> header only.
/// </remarks>
public sealed class GitHubPullRequestProvider : IPullRequestProvider
{
    private const string DiffMediaType = "application/vnd.github.diff";

    private readonly GitHubOptions _options;
    private readonly IGitHubClient _client;
    private readonly ResiliencePipeline _reads;
    private readonly TimeProvider _timeProvider;

    public GitHubPullRequestProvider(GitHubOptions options, string? token, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        options.Validate();
        if (string.IsNullOrWhiteSpace(token))
        {
            throw new InvalidOperationException("The GitHub provider needs a token in the GITHUB_TOKEN environment variable.");
        }
        _options = options;
        _timeProvider = timeProvider;
        var client = new GitHubClient(new ProductHeaderValue("agentops-git", "0.1.0"), new InMemoryCredentialStore(new Credentials(token, AuthenticationType.Bearer)), options.BaseUrl);
        client.SetRequestTimeout(options.Timeout);
        _client = client;
        _reads = new ResiliencePipelineBuilder()
            .AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = Math.Max(1, options.ReadRetries),
                Delay = options.RetryDelay,
                BackoffType = DelayBackoffType.Exponential,
                ShouldHandle = args => ValueTask.FromResult(
                    options.ReadRetries > 0 && !args.Context.CancellationToken.IsCancellationRequested && args.Outcome.Exception is { } ex && IsTransient(ex)),
            })
            .Build();
    }

    public string LinkFor(string repository, long number) =>
        new Uri(_options.WebUrl, $"{Uri.EscapeDataString(_options.Owner)}/{Uri.EscapeDataString(repository)}/pull/{number}").AbsoluteUri;

    public async Task<PullRequestRecord> OpenAsync(PullRequestDraft draft, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(draft);
        EnsureRepository(draft.Repository);
        var request = new NewPullRequest(draft.Title, draft.SourceBranch, draft.TargetBranch)
        {
            Body = PullRequestMarker.Append(draft.Body, draft.Requester, draft.RunId),
            MaintainerCanModify = false,
        };
        var created = await WriteAsync($"opening a pull request from '{draft.SourceBranch}'",
            () => _client.PullRequest.Create(_options.Owner, _options.Repository, request), cancellationToken).ConfigureAwait(false);
        return Map(created);
    }

    public async Task<PullRequestRecord?> GetAsync(string repository, long number, CancellationToken cancellationToken = default)
    {
        EnsureRepository(repository);
        try
        {
            return Map(await FetchAsync(number, cancellationToken).ConfigureAwait(false));
        }
        catch (PullRequestProviderException ex) when (ex.InnerException is NotFoundException)
        {
            return null;
        }
    }

    public async Task<IReadOnlyList<PullRequestRecord>> ListAsync(string? repository = null, PullRequestState? state = null, CancellationToken cancellationToken = default)
    {
        EnsureRepository(repository ?? _options.Repository);
        // GitHub knows open and closed; merged pull requests are closed ones with merged_at set.
        var request = new PullRequestRequest
        {
            State = state == PullRequestState.Open ? ItemStateFilter.Open : state is null ? ItemStateFilter.All : ItemStateFilter.Closed,
            SortProperty = PullRequestSort.Created,
            SortDirection = SortDirection.Descending,
        };
        var pulls = await ReadAsync("listing pull requests",
            () => _client.PullRequest.GetAllForRepository(_options.Owner, _options.Repository, request), cancellationToken).ConfigureAwait(false);
        return pulls.Select(Map).Where(pr => state is null || pr.State == state).ToArray();
    }

    public async Task<string> DiffAsync(string repository, long number, CancellationToken cancellationToken = default)
    {
        EnsureRepository(repository);
        var uri = ApiUrls.PullRequest(_options.Owner, _options.Repository, Number(number));
        var response = await ReadAsync($"the diff of pull request #{number}",
            () => _client.Connection.Get<string>(uri, null, DiffMediaType, cancellationToken), cancellationToken).ConfigureAwait(false);
        return response.Body ?? string.Empty;
    }

    public Task<PullRequestRecord> ApproveAsync(string repository, long number, string reviewer, CancellationToken cancellationToken = default) =>
        throw new ForgeRuleException("github.review.on-github",
            $"Pull request #{number} is on GitHub: reviewers approve it there. AgentOps never approves on anyone's behalf.");

    public async Task<PullRequestRecord> MergeAsync(string repository, long number, string reviewer, CancellationToken cancellationToken = default)
    {
        EnsureRepository(repository);
        ReviewerRules.EnsureMayMerge(reviewer);
        var pr = await FetchAsync(number, cancellationToken).ConfigureAwait(false);
        var record = Map(pr);
        if (record.State != PullRequestState.Open)
        {
            throw new ForgeRuleException("forge.pull-request.not-open", $"Pull request #{number} is {record.State.ToString().ToLowerInvariant()}, not open.");
        }
        var reviews = await ReadAsync($"the reviews of pull request #{number}",
            () => _client.PullRequest.Review.GetAll(_options.Owner, _options.Repository, Number(number)), cancellationToken).ConfigureAwait(false);
        var approvers = GitHubApprovalRules.EnsureApprovedAtHead(
            reviews.Where(r => r.User is not null).Select(ToReview).ToArray(), number, pr.Head.Sha, record.Author, record.Requester);

        var merge = new MergePullRequest
        {
            Sha = pr.Head.Sha,
            MergeMethod = PullRequestMergeMethod.Merge,
            CommitTitle = $"Merge pull request #{number} from {pr.Head.Ref}",
            CommitMessage = $"{pr.Title}\n\nApproved-by: {string.Join(", ", approvers)}\nMerged-for: {reviewer}",
        };
        PullRequestMerge result;
        try
        {
            result = await WriteAsync($"merging pull request #{number}",
                () => _client.PullRequest.Merge(_options.Owner, _options.Repository, Number(number), merge), cancellationToken).ConfigureAwait(false);
        }
        catch (PullRequestProviderException ex) when (ex.InnerException is PullRequestMismatchException)
        {
            throw new ForgeRuleException("forge.review.stale-approval",
                $"Pull request #{number} moved past the approved commit {pr.Head.Sha[..Math.Min(12, pr.Head.Sha.Length)]} while it was being merged; it needs a new approval.");
        }
        catch (PullRequestProviderException ex) when (ex.InnerException is PullRequestNotMergeableException notMergeable)
        {
            throw new ForgeRuleException("github.merge.not-mergeable", $"GitHub cannot merge pull request #{number}: {notMergeable.Message}");
        }
        if (!result.Merged)
        {
            throw new ForgeRuleException("github.merge.not-merged", $"GitHub did not merge pull request #{number}: {result.Message}");
        }
        return record with
        {
            State = PullRequestState.Merged,
            MergedBy = reviewer,
            MergeCommit = result.Sha,
            UpdatedAt = _timeProvider.GetUtcNow(),
        };
    }

    public async Task<PullRequestRecord> CloseAsync(string repository, long number, string actor, CancellationToken cancellationToken = default)
    {
        EnsureRepository(repository);
        var current = Map(await FetchAsync(number, cancellationToken).ConfigureAwait(false));
        if (current.State == PullRequestState.Closed)
        {
            return current;
        }
        if (current.State == PullRequestState.Merged)
        {
            throw new ForgeRuleException("forge.pull-request.merged", $"Pull request #{number} is already merged and cannot be closed.");
        }
        var closed = await WriteAsync($"closing pull request #{number}",
            () => _client.PullRequest.Update(_options.Owner, _options.Repository, Number(number), new PullRequestUpdate { State = ItemState.Closed }),
            cancellationToken).ConfigureAwait(false);
        return Map(closed);
    }

    private Task<PullRequest> FetchAsync(long number, CancellationToken cancellationToken) =>
        ReadAsync($"pull request #{number}", () => _client.PullRequest.Get(_options.Owner, _options.Repository, Number(number)), cancellationToken);

    private PullRequestRecord Map(PullRequest pr)
    {
        var (body, requester, runId) = PullRequestMarker.Parse(pr.Body);
        var state = pr.Merged ? PullRequestState.Merged
            : pr.State.Value == ItemState.Closed ? PullRequestState.Closed
            : PullRequestState.Open;
        return new PullRequestRecord(pr.Number, _options.Repository, pr.Head?.Ref ?? string.Empty, pr.Base?.Ref ?? string.Empty, pr.Title ?? string.Empty,
            body, pr.User?.Login ?? string.Empty, requester, state, runId, pr.CreatedAt, pr.UpdatedAt,
            MergedBy: pr.MergedBy?.Login, MergeCommit: pr.Merged ? pr.MergeCommitSha : null);
    }

    private static GitHubReview ToReview(PullRequestReview review) => new(
        review.User.Login,
        review.User.Type == AccountType.Bot,
        review.State.StringValue.ToUpperInvariant(),
        review.CommitId,
        review.SubmittedAt);

    private void EnsureRepository(string repository)
    {
        if (!string.Equals(repository, _options.Repository, StringComparison.Ordinal))
        {
            throw new ForgeRuleException("github.repository", $"The GitHub provider serves '{_options.Owner}/{_options.Repository}' only, not '{repository}'.");
        }
    }

    private static int Number(long number) =>
        number is > 0 and <= int.MaxValue ? (int)number : throw new ForgeRuleException("forge.pull-request.number", $"#{number} is not a pull request number.");

    private async Task<T> ReadAsync<T>(string what, Func<Task<T>> call, CancellationToken cancellationToken)
    {
        try
        {
            return await _reads.ExecuteAsync(async token => await call().WaitAsync(token).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (Translate(what, ex, cancellationToken) is { } translated)
        {
            throw translated;
        }
    }

    // Octokit takes no CancellationToken on these calls: WaitAsync stops our waiting, the request timeout ends the call.
    private async Task<T> WriteAsync<T>(string what, Func<Task<T>> call, CancellationToken cancellationToken)
    {
        try
        {
            return await call().WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (Translate(what, ex, cancellationToken) is { } translated)
        {
            throw translated;
        }
    }

    private PullRequestProviderException? Translate(string what, Exception ex, CancellationToken cancellationToken)
    {
        var repository = $"{_options.Owner}/{_options.Repository}";
        return ex switch
        {
            AuthorizationException => new PullRequestProviderException(
                $"GitHub refused the token while {what} on {repository} (401 {ex.Message}); check GITHUB_TOKEN.", ex),
            ForbiddenException => new PullRequestProviderException(
                $"GitHub forbade {what} on {repository} (403 {ex.Message}); the token lacks a permission or hit a rate limit.", ex),
            NotFoundException => new PullRequestProviderException(
                $"GitHub found nothing while {what} on {repository} (404); check AgentOps:GitHub:Owner and :Repository, the number, and that the token can see the repository.", ex),
            ApiValidationException validation => new PullRequestProviderException(
                $"GitHub rejected {what} on {repository} (422 {Describe(validation)}).", ex),
            PullRequestMismatchException or PullRequestNotMergeableException => new PullRequestProviderException(ex.Message, ex),
            ApiException api => new PullRequestProviderException(
                $"GitHub failed {what} on {repository} ({(int)api.StatusCode} {api.Message}).", ex),
            HttpRequestException => new PullRequestProviderException(
                $"GitHub at {_options.BaseUrl} is unreachable while {what}: {ex.Message}", ex),
            TaskCanceledException or TimeoutException when !cancellationToken.IsCancellationRequested => new PullRequestProviderException(
                $"GitHub at {_options.BaseUrl} did not answer within {_options.Timeout.TotalSeconds:0.#} s while {what}.", ex),
            _ => null,
        };
    }

    private static string Describe(ApiValidationException ex)
    {
        var details = ex.ApiError?.Errors?.Select(e => e.Message ?? $"{e.Resource}.{e.Field} {e.Code}").Where(m => !string.IsNullOrWhiteSpace(m)).ToArray() ?? [];
        return details.Length == 0 ? ex.Message : $"{ex.Message}: {string.Join("; ", details)}";
    }

    private static bool IsTransient(Exception ex) => ex switch
    {
        NotFoundException or AuthorizationException or ForbiddenException or ApiValidationException => false,
        ApiException api => (int)api.StatusCode >= 500,
        HttpRequestException or TaskCanceledException or TimeoutException => true,
        _ => false,
    };
}
