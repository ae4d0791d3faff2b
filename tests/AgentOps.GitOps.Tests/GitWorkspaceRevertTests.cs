using LibGit2Sharp;

namespace AgentOps.GitOps.Tests;

public sealed class GitWorkspaceRevertTests : IAsyncLifetime
{
    private const string Repo = TestForge.Repo;
    private const string Branch = "agentops/revert-1";
    private const string CoAuthor = "alice <alice@example.com>";

    private TestForge _forge = null!;

    public async Task InitializeAsync() => _forge = await TestForge.CreateAsync();

    public Task DisposeAsync()
    {
        _forge.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public void Revert_CommitOnBranch_AddsRevertCommitWithTrailerAndRestoresFiles()
    {
        var sut = _forge.Workspace;
        sut.CreateBranch(Repo, Branch, "main");
        sut.WriteFiles(Repo, Branch, [new FileChange("platform/a.yaml", "a: 1\n")]);
        var first = sut.Commit(Repo, Branch, "add a", _forge.Author, null);
        sut.WriteFiles(Repo, Branch, [new FileChange("platform/a.yaml", "a: 2\n")]);
        var second = sut.Commit(Repo, Branch, "bump a", _forge.Author, null);

        var revert = sut.Revert(Repo, Branch, second, _forge.Author, CoAuthor);

        using var repo = new Repository(sut.PathFor(Repo, Branch));
        var tip = repo.Head.Tip;
        Assert.Equal(revert, tip.Sha);
        Assert.Equal(second, tip.Parents.Single().Sha);
        Assert.Equal($"Revert \"bump a\"\n\nThis reverts commit {second}.\n\nCo-authored-by: {CoAuthor}\n", tip.Message);
        Assert.Equal("a: 1\n", File.ReadAllText(Path.Combine(sut.PathFor(Repo, Branch), "platform", "a.yaml")));
        Assert.NotEqual(first, revert);
        Assert.False(repo.RetrieveStatus(new StatusOptions()).IsDirty);
    }

    [Theory]
    [InlineData("0123456789abcdef0123456789abcdef01234567")]
    [InlineData("HEAD~1")]
    [InlineData("not-a-sha")]
    public void Revert_UnknownOrNonHexCommit_RefusesUnknownCommit(string sha)
    {
        var sut = _forge.Workspace;
        sut.CreateBranch(Repo, Branch, "main");

        var error = Assert.Throws<ForgeRuleException>(() => sut.Revert(Repo, Branch, sha, _forge.Author, CoAuthor));

        Assert.Equal("git.revert.unknown-commit", error.Rule);
    }

    [Fact]
    public void Revert_CommitOfAnotherBranch_RefusesNotOnBranch()
    {
        var other = _forge.PushBranch("agentops/other", new FileChange("platform/o.yaml", "o: 1\n"));
        var sut = _forge.Workspace;
        sut.CreateBranch(Repo, Branch, "main");
        using (var repo = new Repository(sut.PathFor(Repo, Branch)))
        {
            Commands.Fetch(repo, "origin", [], new FetchOptions(), null);
        }

        var error = Assert.Throws<ForgeRuleException>(() => sut.Revert(Repo, Branch, other, _forge.Author, CoAuthor));

        Assert.Equal("git.revert.not-on-branch", error.Rule);
    }

    [Fact]
    public void Revert_UncommittedChanges_RefusesDirty()
    {
        var sut = _forge.Workspace;
        sut.CreateBranch(Repo, Branch, "main");
        sut.WriteFiles(Repo, Branch, [new FileChange("platform/a.yaml", "a: 1\n")]);
        var sha = sut.Commit(Repo, Branch, "add a", _forge.Author, null);
        sut.WriteFiles(Repo, Branch, [new FileChange("platform/b.yaml", "b: 1\n")]);

        var error = Assert.Throws<ForgeRuleException>(() => sut.Revert(Repo, Branch, sha, _forge.Author, CoAuthor));

        Assert.Equal("git.revert.dirty", error.Rule);
    }

    [Fact]
    public async Task Revert_MergedPullRequest_UndoesItAgainstMainline()
    {
        _forge.PushBranch("agentops/feature", new FileChange("platform/feature.yaml", "f: 1\n"));
        var pr = await _forge.Forge.OpenAsync(_forge.Draft("agentops/feature"));
        await _forge.Forge.ApproveAsync(TestForge.Repo, pr.Number, TestForge.Reviewer);
        var merged = await _forge.Forge.MergeAsync(TestForge.Repo, pr.Number, TestForge.Reviewer);
        var sut = _forge.Workspace;
        sut.CreateBranch(Repo, Branch, "main");

        var revert = sut.Revert(Repo, Branch, merged.MergeCommit!, _forge.Author, CoAuthor);
        sut.Push(Repo, Branch);

        Assert.False(File.Exists(Path.Combine(sut.PathFor(Repo, Branch), "platform", "feature.yaml")));
        Assert.Equal(revert, _forge.TipSha(Branch));
        Assert.DoesNotContain("platform/feature.yaml", _forge.Files(Branch)!.Keys);
        using var bare = new Repository(_forge.BarePath);
        var mainBeforeMerge = bare.Lookup<Commit>(merged.MergeCommit).Parents.First().Sha;
        Assert.Contains($"reversing changes made to {mainBeforeMerge}.", _forge.TipMessage(Branch), StringComparison.Ordinal);
    }

    [Fact]
    public void Revert_MainlineOnOrdinaryCommit_Refused()
    {
        var sut = _forge.Workspace;
        sut.CreateBranch(Repo, Branch, "main");
        sut.WriteFiles(Repo, Branch, [new FileChange("platform/a.yaml", "a: 1\n")]);
        var sha = sut.Commit(Repo, Branch, "add a", _forge.Author, null);

        var error = Assert.Throws<ForgeRuleException>(() => sut.Revert(Repo, Branch, sha, _forge.Author, CoAuthor, mainline: 2));

        Assert.Equal("git.revert.mainline", error.Rule);
    }
}
