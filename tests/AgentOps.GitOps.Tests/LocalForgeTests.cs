using AgentOps.Core;
using LibGit2Sharp;

namespace AgentOps.GitOps.Tests;

public sealed class LocalForgeTests : IAsyncLifetime
{
    private const string Repo = TestForge.Repo;
    private const string Branch = "agentops/run-1";

    private TestForge _forge = null!;

    public async Task InitializeAsync() => _forge = await TestForge.CreateAsync();

    public Task DisposeAsync()
    {
        _forge.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task OpenAsync_PushedBranch_CreatesOpenPullRequestNumberOne()
    {
        var sut = _forge.Forge;
        _forge.PushBranch(Branch, new FileChange("platform/orders-db.yaml", "kind: Database\n"));

        var pr = await sut.OpenAsync(_forge.Draft(Branch));

        Assert.Equal(1, pr.Number);
        Assert.Equal(PullRequestState.Open, pr.State);
        Assert.Equal((Repo, Branch, "main"), (pr.Repository, pr.SourceBranch, pr.TargetBranch));
        Assert.Equal((TestForge.Agent, TestForge.Requester, "run-1"), (pr.Author, pr.Requester, pr.RunId));
        Assert.Equal(_forge.Time.GetUtcNow(), pr.CreatedAt);
        Assert.Equal(pr, await sut.GetAsync(Repo, 1));
    }

    [Fact]
    public async Task OpenAsync_BranchNotPushed_RefusesBranchMissing()
    {
        var sut = _forge.Forge;
        _forge.Workspace.CreateBranch(Repo, Branch, "main");

        var error = await Assert.ThrowsAsync<ForgeRuleException>(() => sut.OpenAsync(_forge.Draft(Branch)));

        Assert.Equal("forge.pull-request.branch-missing", error.Rule);
        Assert.Empty(await sut.ListAsync(Repo));
    }

    [Fact]
    public async Task OpenAsync_TargetBranchMissing_RefusesBranchMissing()
    {
        var sut = _forge.Forge;
        _forge.PushBranch(Branch, new FileChange("platform/a.yaml", "a"));

        var error = await Assert.ThrowsAsync<ForgeRuleException>(() => sut.OpenAsync(_forge.Draft(Branch) with { TargetBranch = "release" }));

        Assert.Equal("forge.pull-request.branch-missing", error.Rule);
        Assert.Contains("'release'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenAsync_SecondOpenPullRequestForSameBranch_RefusesDuplicate()
    {
        var sut = _forge.Forge;
        _forge.PushBranch(Branch, new FileChange("platform/a.yaml", "a"));
        await sut.OpenAsync(_forge.Draft(Branch));

        var error = await Assert.ThrowsAsync<ForgeRuleException>(() => sut.OpenAsync(_forge.Draft(Branch, "again")));

        Assert.Equal("forge.pull-request.duplicate", error.Rule);
        Assert.Contains("#1", error.Message, StringComparison.Ordinal);
        Assert.Single(await sut.ListAsync(Repo));
    }

    [Fact]
    public async Task OpenAsync_AfterTheFirstWasClosed_OpensNumberTwo()
    {
        var sut = _forge.Forge;
        _forge.PushBranch(Branch, new FileChange("platform/a.yaml", "a"));
        await sut.OpenAsync(_forge.Draft(Branch));
        await sut.CloseAsync(Repo, 1, TestForge.Requester);

        var reopened = await sut.OpenAsync(_forge.Draft(Branch));

        Assert.Equal(2, reopened.Number);
    }

    [Theory]
    [InlineData(TestForge.Requester, "forge.review.no-self-approval")]
    [InlineData("ALICE@example.com", "forge.review.no-self-approval")]
    [InlineData(TestForge.Agent, "forge.review.no-agent-approval")]
    [InlineData("spiffe://agentops.local/agent/planner", "forge.review.no-agent-approval")]
    public async Task ApproveAsync_RequesterOrAgent_RefusesAndRecordsNoApproval(string reviewer, string rule)
    {
        var sut = _forge.Forge;
        var pr = await OpenPullRequestAsync();

        var error = await Assert.ThrowsAsync<ForgeRuleException>(() => sut.ApproveAsync(Repo, pr.Number, reviewer));

        Assert.Equal(rule, error.Rule);
        Assert.Empty(await sut.ApprovalsAsync(Repo, pr.Number));
    }

    [Fact]
    public async Task ApproveAsync_AnotherHuman_RecordsTheApproval()
    {
        var sut = _forge.Forge;
        var pr = await OpenPullRequestAsync();

        await sut.ApproveAsync(Repo, pr.Number, TestForge.Reviewer);

        var approval = Assert.Single(await sut.ApprovalsAsync(Repo, pr.Number));
        Assert.Equal(new PullRequestApproval(pr.Number, TestForge.Reviewer, _forge.Time.GetUtcNow(), _forge.TipSha(Branch)), approval);
    }

    [Fact]
    public async Task ApproveAsync_UnknownPullRequest_RefusesNotFound()
    {
        var sut = _forge.Forge;

        var error = await Assert.ThrowsAsync<ForgeRuleException>(() => sut.ApproveAsync(Repo, 99, TestForge.Reviewer));

        Assert.Equal("forge.pull-request.not-found", error.Rule);
    }

    [Fact]
    public async Task ApproveAsync_ClosedPullRequest_RefusesNotOpen()
    {
        var sut = _forge.Forge;
        var pr = await OpenPullRequestAsync();
        await sut.CloseAsync(Repo, pr.Number, TestForge.Requester);

        var error = await Assert.ThrowsAsync<ForgeRuleException>(() => sut.ApproveAsync(Repo, pr.Number, TestForge.Reviewer));

        Assert.Equal("forge.pull-request.not-open", error.Rule);
    }

    [Fact]
    public async Task MergeAsync_WithoutApproval_RefusesAndLeavesMainAlone()
    {
        var sut = _forge.Forge;
        var pr = await OpenPullRequestAsync();
        var main = _forge.TipSha("main");

        var error = await Assert.ThrowsAsync<ForgeRuleException>(() => sut.MergeAsync(Repo, pr.Number, TestForge.Reviewer));

        Assert.Equal("forge.review.approval-required", error.Rule);
        Assert.Equal(main, _forge.TipSha("main"));
        Assert.Equal(PullRequestState.Open, (await sut.GetAsync(Repo, pr.Number))?.State);
    }

    [Theory]
    [InlineData(TestForge.Agent)]
    [InlineData("agent:merge-bot")]
    public async Task MergeAsync_ByAgentEvenWhenApproved_RefusesAgentMerge(string reviewer)
    {
        var sut = _forge.Forge;
        var pr = await OpenPullRequestAsync();
        await sut.ApproveAsync(Repo, pr.Number, TestForge.Reviewer);
        var main = _forge.TipSha("main");

        var error = await Assert.ThrowsAsync<ForgeRuleException>(() => sut.MergeAsync(Repo, pr.Number, reviewer));

        Assert.Equal("forge.review.no-agent-merge", error.Rule);
        Assert.Equal(main, _forge.TipSha("main"));
    }

    [Fact]
    public async Task MergeAsync_Approved_MergesIntoMainAndRecordsIt()
    {
        var sut = _forge.Forge;
        var pr = await OpenPullRequestAsync();
        var oldMain = _forge.TipSha("main");
        var head = _forge.TipSha(Branch);
        await sut.ApproveAsync(Repo, pr.Number, TestForge.Reviewer);
        _forge.Time.Advance(TimeSpan.FromMinutes(5));

        var merged = await sut.MergeAsync(Repo, pr.Number, TestForge.Reviewer);

        Assert.Equal(PullRequestState.Merged, merged.State);
        Assert.Equal(TestForge.Reviewer, merged.MergedBy);
        Assert.Equal(_forge.TipSha("main"), merged.MergeCommit);
        Assert.Equal(_forge.Time.GetUtcNow(), merged.UpdatedAt);
        Assert.Equal(merged, await sut.GetAsync(Repo, pr.Number));
        Assert.Equal("kind: Database\n", _forge.Files("main")!["platform/orders-db.yaml"]);
        using var repo = new Repository(_forge.BarePath);
        var commit = repo.Lookup<Commit>(merged.MergeCommit);
        Assert.Equal([oldMain, head], commit.Parents.Select(p => p.Sha));
        Assert.StartsWith($"Merge pull request #1 from {Branch}", commit.Message, StringComparison.Ordinal);
        Assert.Equal(TestForge.Reviewer, commit.Author.Email);
    }

    [Fact]
    public async Task MergeAsync_Twice_RefusesNotOpen()
    {
        var sut = _forge.Forge;
        var pr = await OpenPullRequestAsync();
        await sut.ApproveAsync(Repo, pr.Number, TestForge.Reviewer);
        await sut.MergeAsync(Repo, pr.Number, TestForge.Reviewer);
        var main = _forge.TipSha("main");

        var error = await Assert.ThrowsAsync<ForgeRuleException>(() => sut.MergeAsync(Repo, pr.Number, TestForge.Reviewer));

        Assert.Equal("forge.pull-request.not-open", error.Rule);
        Assert.Equal(main, _forge.TipSha("main"));
    }

    [Fact]
    public async Task MergeAsync_ConflictWithMain_RefusesMergeConflict()
    {
        var sut = _forge.Forge;
        _forge.PushBranch("agentops/first", new FileChange("README.md", "first version\n"));
        _forge.PushBranch("agentops/second", new FileChange("README.md", "second version\n"));
        var first = await sut.OpenAsync(_forge.Draft("agentops/first"));
        var second = await sut.OpenAsync(_forge.Draft("agentops/second"));
        await sut.ApproveAsync(Repo, first.Number, TestForge.Reviewer);
        await sut.ApproveAsync(Repo, second.Number, TestForge.Reviewer);
        await sut.MergeAsync(Repo, first.Number, TestForge.Reviewer);
        var main = _forge.TipSha("main");

        var error = await Assert.ThrowsAsync<ForgeRuleException>(() => sut.MergeAsync(Repo, second.Number, TestForge.Reviewer));

        Assert.Equal("forge.merge.conflict", error.Rule);
        Assert.Equal(main, _forge.TipSha("main"));
        Assert.Equal(PullRequestState.Open, (await sut.GetAsync(Repo, second.Number))?.State);
    }

    [Fact]
    public async Task DiffAsync_OpenPullRequest_ShowsTheAddedFiles()
    {
        var sut = _forge.Forge;
        _forge.PushBranch(Branch,
            new FileChange("platform/orders-db.yaml", "kind: Database\n"),
            new FileChange("platform/orders-db-secret.yaml", "kind: ExternalSecret\n"));
        var pr = await sut.OpenAsync(_forge.Draft(Branch));

        var diff = await sut.DiffAsync(Repo, pr.Number);

        Assert.Contains("+++ b/platform/orders-db.yaml", diff, StringComparison.Ordinal);
        Assert.Contains("+++ b/platform/orders-db-secret.yaml", diff, StringComparison.Ordinal);
        Assert.Contains("+kind: ExternalSecret", diff, StringComparison.Ordinal);
        Assert.DoesNotContain("README.md", diff, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DiffAsync_MergedPullRequestWhoseBranchWasDeleted_StillShowsItsChange()
    {
        var sut = _forge.Forge;
        var pr = await OpenPullRequestAsync();
        await sut.ApproveAsync(Repo, pr.Number, TestForge.Reviewer);
        await sut.MergeAsync(Repo, pr.Number, TestForge.Reviewer);
        _forge.Workspace.DeleteBranch(Repo, Branch, remote: true);

        var diff = await sut.DiffAsync(Repo, pr.Number);

        Assert.Contains("+++ b/platform/orders-db.yaml", diff, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DiffAsync_OpenPullRequestWhoseBranchWasDeleted_RefusesBranchMissing()
    {
        var sut = _forge.Forge;
        var pr = await OpenPullRequestAsync();
        _forge.Workspace.DeleteBranch(Repo, Branch, remote: true);

        var error = await Assert.ThrowsAsync<ForgeRuleException>(() => sut.DiffAsync(Repo, pr.Number));

        Assert.Equal("forge.pull-request.branch-missing", error.Rule);
    }

    [Fact]
    public async Task CloseAsync_Open_ClosesIt()
    {
        var sut = _forge.Forge;
        var pr = await OpenPullRequestAsync();
        _forge.Time.Advance(TimeSpan.FromMinutes(1));

        var closed = await sut.CloseAsync(Repo, pr.Number, TestForge.Agent);

        Assert.Equal(PullRequestState.Closed, closed.State);
        Assert.Equal(_forge.Time.GetUtcNow(), closed.UpdatedAt);
        Assert.Equal(PullRequestState.Closed, (await sut.GetAsync(Repo, pr.Number))?.State);
        Assert.Empty(await sut.ListAsync(Repo, PullRequestState.Open));
    }

    [Fact]
    public async Task CloseAsync_AlreadyClosed_ReturnsItUnchanged()
    {
        var sut = _forge.Forge;
        var pr = await OpenPullRequestAsync();
        var closed = await sut.CloseAsync(Repo, pr.Number, TestForge.Agent);
        _forge.Time.Advance(TimeSpan.FromMinutes(1));

        var again = await sut.CloseAsync(Repo, pr.Number, TestForge.Agent);

        Assert.Equal(closed, again);
    }

    [Fact]
    public async Task CloseAsync_Merged_RefusesMerged()
    {
        var sut = _forge.Forge;
        var pr = await OpenPullRequestAsync();
        await sut.ApproveAsync(Repo, pr.Number, TestForge.Reviewer);
        await sut.MergeAsync(Repo, pr.Number, TestForge.Reviewer);

        var error = await Assert.ThrowsAsync<ForgeRuleException>(() => sut.CloseAsync(Repo, pr.Number, TestForge.Agent));

        Assert.Equal("forge.pull-request.merged", error.Rule);
        Assert.Equal(PullRequestState.Merged, (await sut.GetAsync(Repo, pr.Number))?.State);
    }

    [Fact]
    public async Task ListAsync_ByState_FiltersOpenAndClosed()
    {
        var sut = _forge.Forge;
        _forge.PushBranch("agentops/a", new FileChange("platform/a.yaml", "a"));
        _forge.PushBranch("agentops/b", new FileChange("platform/b.yaml", "b"));
        var a = await sut.OpenAsync(_forge.Draft("agentops/a"));
        await sut.OpenAsync(_forge.Draft("agentops/b"));
        await sut.CloseAsync(Repo, a.Number, TestForge.Agent);

        var open = await sut.ListAsync(Repo, PullRequestState.Open);
        var closed = await sut.ListAsync(Repo, PullRequestState.Closed);

        Assert.Equal(["agentops/b"], open.Select(p => p.SourceBranch));
        Assert.Equal(["agentops/a"], closed.Select(p => p.SourceBranch));
    }

    [Fact]
    public void EnsureRepository_NewName_CreatesItUnderTheForgeRoot()
    {
        var sut = _forge.Forge;

        var created = sut.EnsureRepository("app-config");

        Assert.Equal(Path.Combine(sut.Root, "app-config.git"), created.Path);
        Assert.True(Repository.IsValid(created.Path));
    }

    [Fact]
    public async Task MergeAsync_BranchChangedAfterApproval_RefusedUntilApprovedAgain()
    {
        var sut = _forge.Forge;
        var pr = await OpenPullRequestAsync();
        await sut.ApproveAsync(Repo, pr.Number, TestForge.Reviewer);
        // Someone pushes more to the branch after the reviewer looked at it.
        _forge.Workspace.WriteFiles(Repo, Branch, [new FileChange("platform/extra.yaml", "kind: ClusterRoleBinding\n")]);
        _forge.Workspace.Commit(Repo, Branch, "later change", _forge.Author, TestForge.Requester);
        _forge.Workspace.Push(Repo, Branch);

        var error = await Assert.ThrowsAsync<ForgeRuleException>(() => sut.MergeAsync(Repo, pr.Number, TestForge.Reviewer));

        Assert.Equal("forge.review.stale-approval", error.Rule);
        Assert.DoesNotContain("platform/extra.yaml", _forge.Files("main")!.Keys);
        await sut.ApproveAsync(Repo, pr.Number, TestForge.Reviewer);
        var merged = await sut.MergeAsync(Repo, pr.Number, TestForge.Reviewer);
        Assert.Equal(PullRequestState.Merged, merged.State);
        Assert.Contains("platform/extra.yaml", _forge.Files("main")!.Keys);
    }

    private async Task<PullRequestRecord> OpenPullRequestAsync()
    {
        _forge.PushBranch(Branch, new FileChange("platform/orders-db.yaml", "kind: Database\n"));
        return await _forge.Forge.OpenAsync(_forge.Draft(Branch));
    }
}
