using LibGit2Sharp;

namespace AgentOps.GitOps.Tests;

public sealed class GitWorkspaceTests : IAsyncLifetime
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
    public void CreateBranch_FromMain_ClonesAndChecksOutTheNewBranchAtMainsTip()
    {
        var sut = _forge.Workspace;

        var sha = sut.CreateBranch(Repo, Branch, "main");

        Assert.Equal(_forge.TipSha("main"), sha);
        var clone = sut.PathFor(Repo, Branch);
        using var repo = new Repository(clone);
        Assert.Equal(Branch, repo.Head.FriendlyName);
        Assert.True(File.Exists(Path.Combine(clone, "README.md")));
        Assert.DoesNotContain(Branch, _forge.Branches());
    }

    [Fact]
    public void PathFor_BranchWithSlash_StaysOneDirectoryUnderTheRepository()
    {
        var sut = _forge.Workspace;

        var path = sut.PathFor(Repo, "agentops/run-1");

        Assert.Equal(Path.Combine(_forge.Root, "workspaces", Repo, "agentops~run-1"), path);
    }

    [Fact]
    public void CreateBranch_AlreadyOnTheForge_RefusesBranchExists()
    {
        var sut = _forge.Workspace;
        _forge.PushBranch(Branch, new FileChange("platform/a.yaml", "a: 1\n"));

        var error = Assert.Throws<ForgeRuleException>(() => sut.CreateBranch(Repo, Branch, "main"));

        Assert.Equal("git.branch.exists", error.Rule);
    }

    [Fact]
    public void CreateBranch_StaleCloneLeftBehind_ReplacesIt()
    {
        var sut = _forge.Workspace;
        sut.CreateBranch(Repo, Branch, "main");
        sut.WriteFiles(Repo, Branch, [new FileChange("platform/leftover.yaml", "x")]);

        sut.CreateBranch(Repo, Branch, "main");

        Assert.False(File.Exists(Path.Combine(sut.PathFor(Repo, Branch), "platform", "leftover.yaml")));
    }

    [Fact]
    public void WriteCommitPush_NewAndAppendedFiles_LandOnTheBranchInTheBareRepository()
    {
        var sut = _forge.Workspace;
        sut.CreateBranch(Repo, Branch, "main");

        var written = sut.WriteFiles(Repo, Branch,
        [
            new FileChange("platform/databases/orders-db.yaml", "kind: Database\n"),
            new FileChange("README.md", "- orders-db\n", Append: true),
        ]);
        var commit = sut.Commit(Repo, Branch, "Add orders-db", _forge.Author, "Alice <alice@example.com>");
        var pushed = sut.Push(Repo, Branch);

        Assert.Equal(["platform/databases/orders-db.yaml", "README.md"], written);
        Assert.Equal(commit, pushed);
        Assert.Equal(commit, _forge.TipSha(Branch));
        var files = _forge.Files(Branch)!;
        Assert.Equal("kind: Database\n", files["platform/databases/orders-db.yaml"]);
        var readme = files["README.md"];
        Assert.StartsWith("# platform-gitops\n", readme, StringComparison.Ordinal);
        Assert.EndsWith("reviewed pull requests.\n- orders-db\n", readme, StringComparison.Ordinal);
        Assert.Equal("Add orders-db\n\nCo-authored-by: Alice <alice@example.com>\n", _forge.TipMessage(Branch));
        Assert.DoesNotContain("platform/databases/orders-db.yaml", _forge.Files("main")!.Keys);
    }

    [Fact]
    public void WriteFiles_AppendToFileWithoutTrailingNewline_InsertsOne()
    {
        var sut = _forge.Workspace;
        sut.CreateBranch(Repo, Branch, "main");
        sut.WriteFiles(Repo, Branch, [new FileChange("platform/list.txt", "first")]);

        sut.WriteFiles(Repo, Branch, [new FileChange("platform/list.txt", "second", Append: true)]);

        Assert.Equal("first\nsecond", sut.ReadFile(Repo, Branch, "platform/list.txt"));
    }

    [Fact]
    public void WriteFiles_AppendToMissingFile_CreatesIt()
    {
        var sut = _forge.Workspace;
        sut.CreateBranch(Repo, Branch, "main");

        sut.WriteFiles(Repo, Branch, [new FileChange("platform/new.txt", "only", Append: true)]);

        Assert.Equal("only", sut.ReadFile(Repo, Branch, "platform/new.txt"));
    }

    [Fact]
    public void WriteFiles_OverwriteExisting_ReplacesContent()
    {
        var sut = _forge.Workspace;
        sut.CreateBranch(Repo, Branch, "main");

        sut.WriteFiles(Repo, Branch, [new FileChange("README.md", "replaced\n")]);

        Assert.Equal("replaced\n", sut.ReadFile(Repo, Branch, "README.md"));
    }

    [Theory]
    [InlineData("../outside.txt")]
    [InlineData(".github/workflows/ci.yaml")]
    [InlineData("platform/.git/hooks/post-checkout")]
    [InlineData("/tmp/evil")]
    public void WriteFiles_OneRefusedPath_WritesNothingAtAll(string refused)
    {
        var sut = _forge.Workspace;
        sut.CreateBranch(Repo, Branch, "main");
        var clone = sut.PathFor(Repo, Branch);

        var error = Assert.Throws<ForgeRuleException>(() => sut.WriteFiles(Repo, Branch,
        [
            new FileChange("platform/ok.yaml", "ok"),
            new FileChange("README.md", "tampered", Append: true),
            new FileChange(refused, "payload"),
        ]));

        Assert.Equal("git.paths.allow-list", error.Rule);
        Assert.False(File.Exists(Path.Combine(clone, "platform", "ok.yaml")));
        Assert.DoesNotContain("tampered", File.ReadAllText(Path.Combine(clone, "README.md")), StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_forge.Root, "workspaces", Repo, "outside.txt")));
        using var repo = new Repository(clone);
        Assert.False(repo.RetrieveStatus(new StatusOptions()).IsDirty);
    }

    [Fact]
    public void WriteFiles_NoClone_RefusesBranchMissing()
    {
        var sut = _forge.Workspace;

        var error = Assert.Throws<ForgeRuleException>(() => sut.WriteFiles(Repo, Branch, [new FileChange("platform/a.yaml", "a")]));

        Assert.Equal("git.branch.missing", error.Rule);
    }

    [Fact]
    public void Commit_NothingChanged_RefusesEmptyCommit()
    {
        var sut = _forge.Workspace;
        sut.CreateBranch(Repo, Branch, "main");

        var error = Assert.Throws<ForgeRuleException>(() => sut.Commit(Repo, Branch, "nothing", _forge.Author, null));

        Assert.Equal("git.commit.empty", error.Rule);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("  ")]
    public void Commit_NoCoAuthor_AddsNoTrailer(string? coAuthor)
    {
        var sut = _forge.Workspace;
        sut.CreateBranch(Repo, Branch, "main");
        sut.WriteFiles(Repo, Branch, [new FileChange("platform/a.yaml", "a")]);

        sut.Commit(Repo, Branch, "Add a", _forge.Author, coAuthor);
        sut.Push(Repo, Branch);

        Assert.Equal("Add a\n", _forge.TipMessage(Branch));
    }

    [Fact]
    public void ReadFile_RefusedPath_Throws()
    {
        var sut = _forge.Workspace;
        sut.CreateBranch(Repo, Branch, "main");

        var error = Assert.Throws<ForgeRuleException>(() => sut.ReadFile(Repo, Branch, "../../agentops.db"));

        Assert.Equal("git.paths.allow-list", error.Rule);
    }

    [Fact]
    public void ReadFile_MissingFileOnClone_ReturnsNull()
    {
        var sut = _forge.Workspace;
        sut.CreateBranch(Repo, Branch, "main");

        Assert.Null(sut.ReadFile(Repo, Branch, "platform/none.yaml"));
    }

    [Fact]
    public void ReadFile_NoClone_ReadsTheForgesBaseBranch()
    {
        var sut = _forge.Workspace;

        var content = sut.ReadFile(Repo, "agentops/never-cloned", "README.md");

        Assert.StartsWith("# platform-gitops", content, StringComparison.Ordinal);
    }

    [Fact]
    public void DeleteBranch_Remote_RemovesBranchFromForgeAndClone()
    {
        var sut = _forge.Workspace;
        _forge.PushBranch(Branch, new FileChange("platform/a.yaml", "a"));

        var deleted = sut.DeleteBranch(Repo, Branch, remote: true);

        Assert.True(deleted);
        Assert.Equal(["main"], _forge.Branches());
        Assert.False(Directory.Exists(sut.PathFor(Repo, Branch)));
    }

    [Fact]
    public void DeleteBranch_Twice_SecondCallReportsNothingDeleted()
    {
        var sut = _forge.Workspace;
        _forge.PushBranch(Branch, new FileChange("platform/a.yaml", "a"));
        sut.DeleteBranch(Repo, Branch, remote: true);

        Assert.False(sut.DeleteBranch(Repo, Branch, remote: true));
    }

    [Fact]
    public void DeleteBranch_LocalOnly_KeepsTheForgeBranch()
    {
        var sut = _forge.Workspace;
        _forge.PushBranch(Branch, new FileChange("platform/a.yaml", "a"));

        var deleted = sut.DeleteBranch(Repo, Branch, remote: false);

        Assert.True(deleted);
        Assert.Contains(Branch, _forge.Branches());
        Assert.False(Directory.Exists(sut.PathFor(Repo, Branch)));
    }

    [Fact]
    public void DeleteBranch_Main_RefusesProtected()
    {
        var sut = _forge.Workspace;
        var tip = _forge.TipSha("main");

        var error = Assert.Throws<ForgeRuleException>(() => sut.DeleteBranch(Repo, "main", remote: true));

        Assert.Equal("git.branch.protected", error.Rule);
        Assert.Equal(tip, _forge.TipSha("main"));
    }

    [Theory]
    [InlineData("-rf")]
    [InlineData("a..b")]
    [InlineData("feature/")]
    [InlineData("with space")]
    [InlineData("refs/heads/../../x")]
    [InlineData("")]
    public void CreateDeleteAndWrite_InvalidBranchName_RefuseBeforeTouchingDisk(string branch)
    {
        var sut = _forge.Workspace;

        var create = Assert.Throws<ForgeRuleException>(() => sut.CreateBranch(Repo, branch, "main"));
        var delete = Assert.Throws<ForgeRuleException>(() => sut.DeleteBranch(Repo, branch, remote: true));
        var write = Assert.Throws<ForgeRuleException>(() => sut.WriteFiles(Repo, branch, [new FileChange("platform/a.yaml", "a")]));

        Assert.Equal(["git.branch.name", "git.branch.name", "git.branch.name"], new[] { create.Rule, delete.Rule, write.Rule });
        Assert.False(Directory.Exists(Path.Combine(_forge.Root, "workspaces")));
    }

    [Theory]
    [InlineData("Platform-GitOps")]
    [InlineData("../forge")]
    public void CreateBranch_InvalidRepositoryName_RefusesRepositoryName(string repository)
    {
        var sut = _forge.Workspace;

        var error = Assert.Throws<ForgeRuleException>(() => sut.CreateBranch(repository, Branch, "main"));

        Assert.Equal("git.repository.name", error.Rule);
    }
}
