namespace AgentOps.GitOps.Tests;

public sealed class GitWorkspaceDiffTests : IAsyncLifetime
{
    private const string Repo = TestForge.Repo;
    private const string Branch = "agentops/diff-1";

    private TestForge _forge = null!;

    public async Task InitializeAsync() => _forge = await TestForge.CreateAsync();

    public Task DisposeAsync()
    {
        _forge.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public void Diff_Workspace_CountsCommittedUncommittedAndUntrackedChanges()
    {
        var sut = _forge.Workspace;
        sut.CreateBranch(Repo, Branch, "main");
        sut.WriteFiles(Repo, Branch, [new FileChange("platform/a.yaml", "a: 1\nb: 2\n")]);
        sut.Commit(Repo, Branch, "add a", _forge.Author, null);
        sut.WriteFiles(Repo, Branch, [new FileChange("README.md", "# changed\n"), new FileChange("platform/new.yaml", "n: 1\n")]);

        var diff = sut.Diff(Repo, Branch, "main");

        Assert.Equal("workspace", diff.Source);
        Assert.Equal(_forge.TipSha("main"), diff.BaseSha);
        var files = diff.Files.ToDictionary(f => f.Path);
        Assert.Equal(["README.md", "platform/a.yaml", "platform/new.yaml"], files.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(("added", 2, 0), (files["platform/a.yaml"].Status, files["platform/a.yaml"].Additions, files["platform/a.yaml"].Deletions));
        Assert.Equal(("modified", 1, 3), (files["README.md"].Status, files["README.md"].Additions, files["README.md"].Deletions));
        Assert.Equal("added", files["platform/new.yaml"].Status);
        Assert.Equal(4, diff.Additions);
        Assert.Equal(3, diff.Deletions);
        Assert.Contains("+++ b/platform/new.yaml\n@@ -0,0 +1 @@\n+n: 1", diff.Patch, StringComparison.Ordinal);
        Assert.False(diff.Truncated);
    }

    [Fact]
    public void Diff_NoWorkspace_UsesPushedBranchFromMergeBase()
    {
        var head = _forge.PushBranch(Branch, new FileChange("platform/a.yaml", "a: 1\n"));
        _forge.Workspace.DeleteBranch(Repo, Branch, remote: false);
        // main moves on after the branch was cut: its change is not the branch's and must not show.
        _forge.PushBranch("agentops/other", new FileChange("platform/other.yaml", "o: 1\n"));
        FastForwardMain("agentops/other");

        var diff = _forge.Workspace.Diff(Repo, Branch, "main");

        Assert.Equal("forge", diff.Source);
        Assert.Equal(head, diff.HeadSha);
        Assert.Equal(["platform/a.yaml"], diff.Files.Select(f => f.Path));
    }

    [Fact]
    public void Diff_LongPatch_IsCutAndSaysSo()
    {
        var sut = _forge.Workspace;
        sut.CreateBranch(Repo, Branch, "main");
        sut.WriteFiles(Repo, Branch, [new FileChange("platform/big.yaml", string.Concat(Enumerable.Repeat("line: value\n", 500)))]);

        var diff = sut.Diff(Repo, Branch, "main", maxPatchCharacters: 1000);

        Assert.True(diff.Truncated);
        Assert.Equal(1000, diff.Patch.Length);
        Assert.Equal(500, diff.Additions);
    }

    [Fact]
    public void Diff_UnknownBranch_RefusesBranchMissing()
    {
        var error = Assert.Throws<ForgeRuleException>(() => _forge.Workspace.Diff(Repo, "agentops/never", "main"));

        Assert.Equal("git.branch.missing", error.Rule);
    }

    private void FastForwardMain(string branch)
    {
        using var repo = new LibGit2Sharp.Repository(_forge.BarePath);
        repo.Refs.UpdateTarget(repo.Refs["refs/heads/main"], repo.Branches[branch].Tip.Id);
    }
}
