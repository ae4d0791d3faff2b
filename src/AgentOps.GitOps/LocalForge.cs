using AgentOps.Core;
using LibGit2Sharp;

namespace AgentOps.GitOps;

/// <summary>
/// The embedded forge: bare repositories under one root plus pull-request records in the store.
/// Enough of a forge to review and merge offline; nothing here talks to the network.
/// </summary>
public sealed class LocalForge(string forgeRoot, IPullRequestStore store, TimeProvider timeProvider) : IPullRequestProvider
{
    public string Root => forgeRoot;

    public string RepositoryPath(string repository) => BareRepository.PathFor(forgeRoot, repository);

    public BareRepository EnsureRepository(string repository) =>
        BareRepository.OpenOrCreate(forgeRoot, repository, new Signature("AgentOps forge", "forge@agentops.local", timeProvider.GetUtcNow()));

    public async Task<PullRequestRecord> OpenAsync(PullRequestDraft draft, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(draft);
        using (var repo = new Repository(RepositoryPath(draft.Repository)))
        {
            if (repo.Branches[draft.SourceBranch] is null)
            {
                throw new ForgeRuleException("forge.pull-request.branch-missing", $"Branch '{draft.SourceBranch}' was not pushed to '{draft.Repository}'.");
            }
            if (repo.Branches[draft.TargetBranch] is null)
            {
                throw new ForgeRuleException("forge.pull-request.branch-missing", $"Target branch '{draft.TargetBranch}' does not exist in '{draft.Repository}'.");
            }
        }
        var open = await store.ListAsync(draft.Repository, PullRequestState.Open, cancellationToken).ConfigureAwait(false);
        if (open.FirstOrDefault(p => p.SourceBranch == draft.SourceBranch) is { } existing)
        {
            throw new ForgeRuleException("forge.pull-request.duplicate", $"Pull request #{existing.Number} is already open for branch '{draft.SourceBranch}'.");
        }
        var now = timeProvider.GetUtcNow();
        return await store.CreateAsync(
            new PullRequestRecord(0, draft.Repository, draft.SourceBranch, draft.TargetBranch, draft.Title, draft.Body,
                draft.Author, draft.Requester, PullRequestState.Open, draft.RunId, now, now),
            cancellationToken).ConfigureAwait(false);
    }

    public string LinkFor(string repository, long number) => $"forge://{repository}/pulls/{number}";

    public Task<PullRequestRecord?> GetAsync(string repository, long number, CancellationToken cancellationToken = default) =>
        store.GetAsync(repository, number, cancellationToken);

    public Task<IReadOnlyList<PullRequestRecord>> ListAsync(string? repository = null, PullRequestState? state = null, CancellationToken cancellationToken = default) =>
        store.ListAsync(repository, state, cancellationToken);

    public Task<IReadOnlyList<PullRequestApproval>> ApprovalsAsync(string repository, long number, CancellationToken cancellationToken = default) =>
        store.ListApprovalsAsync(repository, number, cancellationToken);

    public async Task<string> DiffAsync(string repository, long number, CancellationToken cancellationToken = default)
    {
        var pr = await RequireAsync(repository, number, cancellationToken).ConfigureAwait(false);
        using var repo = new Repository(RepositoryPath(repository));
        var (baseCommit, headCommit) = pr.State == PullRequestState.Merged && pr.MergeCommit is not null
            ? (repo.Lookup<Commit>(pr.MergeCommit).Parents.First(), repo.Lookup<Commit>(pr.MergeCommit))
            : (repo.Branches[pr.TargetBranch]?.Tip, repo.Branches[pr.SourceBranch]?.Tip);
        if (baseCommit is null || headCommit is null)
        {
            throw new ForgeRuleException("forge.pull-request.branch-missing", $"Pull request #{number}: its branches no longer exist.");
        }
        var mergeBase = repo.ObjectDatabase.FindMergeBase(baseCommit, headCommit) ?? baseCommit;
        return repo.Diff.Compare<Patch>(mergeBase.Tree, headCommit.Tree).Content;
    }

    /// <summary>
    /// The source tip a review would approve now, and the paths the pull request changes against its merge base (both
    /// sides of a rename): what CODEOWNERS ownership of the change is judged on.
    /// </summary>
    public async Task<ReviewedChange> ChangeAsync(string repository, long number, CancellationToken cancellationToken = default)
    {
        var pr = await RequireAsync(repository, number, cancellationToken).ConfigureAwait(false);
        using var repo = new Repository(RepositoryPath(repository));
        var head = repo.Branches[pr.SourceBranch]?.Tip;
        var target = repo.Branches[pr.TargetBranch]?.Tip;
        if (head is null || target is null)
        {
            throw new ForgeRuleException("forge.pull-request.branch-missing", $"Pull request #{number}: its branches no longer exist.");
        }
        var mergeBase = repo.ObjectDatabase.FindMergeBase(target, head) ?? target;
        var paths = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var change in repo.Diff.Compare<TreeChanges>(mergeBase.Tree, head.Tree))
        {
            paths.Add(change.Path);
            if (change.OldPath is { Length: > 0 } old)
            {
                paths.Add(old);
            }
        }
        return new ReviewedChange(head.Sha, paths.ToArray());
    }

    public async Task<PullRequestRecord> ApproveAsync(string repository, long number, string reviewer, CancellationToken cancellationToken = default)
    {
        var pr = await RequireOpenAsync(repository, number, cancellationToken).ConfigureAwait(false);
        ReviewerRules.EnsureMayApprove(reviewer, pr.Requester, pr.Author);
        await store.AddApprovalAsync(repository, new PullRequestApproval(number, reviewer, timeProvider.GetUtcNow(), SourceTip(pr)), cancellationToken).ConfigureAwait(false);
        return pr;
    }

    public async Task<PullRequestRecord> MergeAsync(string repository, long number, string reviewer, CancellationToken cancellationToken = default)
    {
        var pr = await RequireOpenAsync(repository, number, cancellationToken).ConfigureAwait(false);
        ReviewerRules.EnsureMayMerge(reviewer);
        var approvals = await store.ListApprovalsAsync(repository, number, cancellationToken).ConfigureAwait(false);
        if (approvals.Count == 0)
        {
            throw new ForgeRuleException("forge.review.approval-required", $"Pull request #{number} has no approval yet; a reviewer other than the requester must approve it first.");
        }
        // An approval is of the commit the reviewer saw: anything pushed after it needs a new look.
        var tip = SourceTip(pr);
        if (tip is null || !approvals.Any(a => a.HeadSha == tip))
        {
            throw new ForgeRuleException("forge.review.stale-approval", $"Branch '{pr.SourceBranch}' changed after it was approved (now at {tip?[..12]}); it needs a new approval.");
        }
        var mergeCommit = MergeInBareRepository(pr, tip, reviewer);
        var merged = pr with
        {
            State = PullRequestState.Merged,
            MergedBy = reviewer,
            MergeCommit = mergeCommit,
            UpdatedAt = timeProvider.GetUtcNow(),
        };
        await store.UpdateAsync(merged, cancellationToken).ConfigureAwait(false);
        return merged;
    }

    public async Task<PullRequestRecord> CloseAsync(string repository, long number, string actor, CancellationToken cancellationToken = default)
    {
        var pr = await RequireAsync(repository, number, cancellationToken).ConfigureAwait(false);
        if (pr.State == PullRequestState.Closed)
        {
            return pr;
        }
        if (pr.State == PullRequestState.Merged)
        {
            throw new ForgeRuleException("forge.pull-request.merged", $"Pull request #{number} is already merged and cannot be closed.");
        }
        var closed = pr with { State = PullRequestState.Closed, UpdatedAt = timeProvider.GetUtcNow() };
        await store.UpdateAsync(closed, cancellationToken).ConfigureAwait(false);
        return closed;
    }

    // Merges the commit that was approved, not whatever the branch points at by now: a push between the approval
    // check and this merge must not slip unreviewed changes in.
    private string MergeInBareRepository(PullRequestRecord pr, string approvedTip, string reviewer)
    {
        using var repo = new Repository(RepositoryPath(pr.Repository));
        var target = repo.Branches[pr.TargetBranch]?.Tip ?? throw new ForgeRuleException("forge.pull-request.branch-missing", $"Target branch '{pr.TargetBranch}' is gone.");
        var head = repo.Branches[pr.SourceBranch]?.Tip ?? throw new ForgeRuleException("forge.pull-request.branch-missing", $"Branch '{pr.SourceBranch}' is gone.");
        if (head.Sha != approvedTip)
        {
            throw new ForgeRuleException("forge.review.stale-approval", $"Branch '{pr.SourceBranch}' moved to {head.Sha[..12]} while it was being merged; it needs a new approval.");
        }
        var result = repo.ObjectDatabase.MergeCommits(target, head, new MergeTreeOptions());
        if (result.Status != MergeTreeStatus.Succeeded && result.Conflicts.All(c => IsAppendOnly(c.Ours?.Path ?? c.Theirs?.Path)))
        {
            // Team inventories are append-only lists that every pull request of a team adds to; two such additions
            // are both wanted, so they merge as a union instead of blocking the second pull request.
            result = repo.ObjectDatabase.MergeCommits(target, head, new MergeTreeOptions { MergeFileFavor = MergeFileFavor.Union });
        }
        if (result.Status != MergeTreeStatus.Succeeded)
        {
            throw new ForgeRuleException("forge.merge.conflict", $"Pull request #{pr.Number} conflicts with {pr.TargetBranch} in {result.Conflicts.Count()} file(s); rebase it first.");
        }
        var signature = new Signature(reviewer, reviewer.Contains('@', StringComparison.Ordinal) ? reviewer : reviewer + "@agentops.local", timeProvider.GetUtcNow());
        var commit = repo.ObjectDatabase.CreateCommit(signature, signature,
            $"Merge pull request #{pr.Number} from {pr.SourceBranch}\n\n{pr.Title}\n", result.Tree, [target, head], prettifyMessage: true);
        repo.Refs.UpdateTarget(repo.Refs["refs/heads/" + pr.TargetBranch], commit.Id, $"merge pull request #{pr.Number}");
        return commit.Sha;
    }

    private string? SourceTip(PullRequestRecord pr)
    {
        using var repo = new Repository(RepositoryPath(pr.Repository));
        return repo.Branches[pr.SourceBranch]?.Tip?.Sha;
    }

    private static bool IsAppendOnly(string? path) => path is not null && path.EndsWith("/inventory.yaml", StringComparison.Ordinal);

    private async Task<PullRequestRecord> RequireAsync(string repository, long number, CancellationToken cancellationToken) =>
        await store.GetAsync(repository, number, cancellationToken).ConfigureAwait(false)
        ?? throw new ForgeRuleException("forge.pull-request.not-found", $"There is no pull request #{number} in '{repository}'.");

    private async Task<PullRequestRecord> RequireOpenAsync(string repository, long number, CancellationToken cancellationToken)
    {
        var pr = await RequireAsync(repository, number, cancellationToken).ConfigureAwait(false);
        return pr.State == PullRequestState.Open
            ? pr
            : throw new ForgeRuleException("forge.pull-request.not-open", $"Pull request #{number} is {pr.State.ToString().ToLowerInvariant()}, not open.");
    }
}
