using LibGit2Sharp;

namespace AgentOps.GitOps.Tests;

/// <summary>Cloning onto the forge from a real bare remote over file://, and carrying pushes back to it.</summary>
public sealed class ForgeUpstreamTests : IAsyncLifetime
{
    private const string Repo = "app-config";
    private const string Branch = "agentops/app/change";

    private TestForge _forge = null!;
    private string _remoteRoot = null!;
    private string _remotePath = null!;
    private string _remoteUrl = null!;
    private ForgeUpstream _sut = null!;
    private GitWorkspace _workspace = null!;

    public async Task InitializeAsync()
    {
        _forge = await TestForge.CreateAsync();
        _remoteRoot = Path.Combine(_forge.Root, "remotes");
        _remotePath = BareRepository.OpenOrCreate(_remoteRoot, "app-config", _forge.Author).Path;
        _remoteUrl = new Uri(_remotePath).AbsoluteUri;
        _sut = new ForgeUpstream(_forge.Forge, new RemoteAllowList([new Uri(_remoteRoot + "/").AbsoluteUri]));
        _workspace = new GitWorkspace(Path.Combine(_forge.Root, "upstream-workspaces"), _forge.Forge, _forge.AllowList, _sut);
    }

    public Task DisposeAsync()
    {
        _forge.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public void Open_AllowedRemote_ClonesEveryBranchOntoTheForge()
    {
        var feature = CommitOnRemote("feature/x", "platform/x.yaml", "x: 1\n");

        var opened = _sut.Open(Repo, _remoteUrl);

        Assert.Equal(_remoteUrl, opened.Remote);
        Assert.Equal("main", opened.DefaultBranch);
        Assert.Equal(["feature/x", "main"], opened.Branches);
        using var forgeCopy = new Repository(_forge.Forge.RepositoryPath(Repo));
        Assert.True(forgeCopy.Info.IsBare);
        Assert.Equal(feature, forgeCopy.Branches["feature/x"].Tip.Sha);
        Assert.Equal(RemoteTip("main"), forgeCopy.Head.Tip.Sha);
    }

    [Fact]
    public void Open_RemoteNotAllowed_RefusedAndNothingCreated()
    {
        var other = new Uri(Path.Combine(_forge.Root, "elsewhere", "x.git")).AbsoluteUri;

        var error = Assert.Throws<ForgeRuleException>(() => _sut.Open(Repo, other));

        Assert.Equal("git.remote.allow-list", error.Rule);
        Assert.False(Directory.Exists(_forge.Forge.RepositoryPath(Repo)));
    }

    [Fact]
    public void Open_RemoteThatDoesNotExist_FailsAndLeavesNoEmptyRepository()
    {
        var missing = new Uri(Path.Combine(_remoteRoot, "missing.git")).AbsoluteUri;

        Assert.ThrowsAny<LibGit2SharpException>(() => _sut.Open(Repo, missing));

        Assert.False(Directory.Exists(_forge.Forge.RepositoryPath(Repo)));
    }

    [Fact]
    public void Open_WithoutUrl_OpensForgeRepositoryOrSaysItIsMissing()
    {
        var forgeOnly = _sut.Open(TestForge.Repo, null);
        var error = Assert.Throws<ForgeRuleException>(() => _sut.Open(Repo, null));

        Assert.Null(forgeOnly.Remote);
        Assert.Equal(["main"], forgeOnly.Branches);
        Assert.Equal("git.repository.missing", error.Rule);
    }

    [Fact]
    public void Open_AgainWithAnotherUrl_RefusedAsMismatch()
    {
        _sut.Open(Repo, _remoteUrl);
        var second = BareRepository.OpenOrCreate(_remoteRoot, "second", _forge.Author).Path;

        var error = Assert.Throws<ForgeRuleException>(() => _sut.Open(Repo, new Uri(second).AbsoluteUri));

        Assert.Equal("git.remote.mismatch", error.Rule);
    }

    [Fact]
    public void Open_Again_FastForwardsMovedBranchesAndLeavesDivergedOnesAlone()
    {
        CommitOnRemote("feature/x", "platform/x.yaml", "x: 1\n");
        _sut.Open(Repo, _remoteUrl);
        var newMain = CommitOnRemote("main", "platform/main.yaml", "m: 2\n");
        var divergedOnRemote = CommitOnRemote("feature/x", "platform/x.yaml", "x: remote\n");
        var forgeOnlyCommit = CommitOnForge("feature/x", "platform/x.yaml", "x: forge\n");

        var opened = _sut.Open(Repo, _remoteUrl);

        Assert.Equal(["main"], opened.Updated);
        Assert.Equal(["feature/x"], opened.Diverged);
        using var forgeCopy = new Repository(_forge.Forge.RepositoryPath(Repo));
        Assert.Equal(newMain, forgeCopy.Branches["main"].Tip.Sha);
        Assert.Equal(forgeOnlyCommit, forgeCopy.Branches["feature/x"].Tip.Sha);
        Assert.NotEqual(divergedOnRemote, forgeCopy.Branches["feature/x"].Tip.Sha);
    }

    [Fact]
    public void Push_ClonedRepository_CarriesCommitWithTrailerToTheRemote()
    {
        _sut.Open(Repo, _remoteUrl);
        _workspace.CreateBranch(Repo, Branch, "main");
        _workspace.WriteFiles(Repo, Branch, [new FileChange("platform/app.yaml", "replicas: 2\n")]);
        var sha = _workspace.Commit(Repo, Branch, "Scale app", _forge.Author, "alice <alice@example.com>");

        _workspace.Push(Repo, Branch);

        using var remote = new Repository(_remotePath);
        var tip = remote.Branches[Branch].Tip;
        Assert.Equal(sha, tip.Sha);
        Assert.EndsWith("Co-authored-by: alice <alice@example.com>\n", tip.Message, StringComparison.Ordinal);
        Assert.Equal("replicas: 2\n", ((Blob)tip["platform/app.yaml"].Target).GetContentText());
    }

    [Fact]
    public void Push_RemoteRemovedFromAllowList_RefusedBeforeAnyNetworkCall()
    {
        _sut.Open(Repo, _remoteUrl);
        _workspace.CreateBranch(Repo, Branch, "main");
        _workspace.WriteFiles(Repo, Branch, [new FileChange("platform/app.yaml", "a: 1\n")]);
        _workspace.Commit(Repo, Branch, "change", _forge.Author, null);
        var narrowed = new GitWorkspace(Path.Combine(_forge.Root, "upstream-workspaces"), _forge.Forge, _forge.AllowList,
            new ForgeUpstream(_forge.Forge, new RemoteAllowList([])));

        var error = Assert.Throws<ForgeRuleException>(() => narrowed.Push(Repo, Branch));

        Assert.Equal("git.remote.allow-list", error.Rule);
        using var remote = new Repository(_remotePath);
        Assert.Null(remote.Branches[Branch]);
    }

    [Fact]
    public void DeleteBranch_Remote_DeletesOnForgeAndRemote()
    {
        _sut.Open(Repo, _remoteUrl);
        _workspace.CreateBranch(Repo, Branch, "main");
        _workspace.WriteFiles(Repo, Branch, [new FileChange("platform/app.yaml", "a: 1\n")]);
        _workspace.Commit(Repo, Branch, "change", _forge.Author, null);
        _workspace.Push(Repo, Branch);

        var deleted = _workspace.DeleteBranch(Repo, Branch, remote: true);

        Assert.True(deleted);
        using var remote = new Repository(_remotePath);
        Assert.Null(remote.Branches[Branch]);
        using var forgeCopy = new Repository(_forge.Forge.RepositoryPath(Repo));
        Assert.Null(forgeCopy.Refs["refs/heads/" + Branch]);
    }

    private string RemoteTip(string branch)
    {
        using var remote = new Repository(_remotePath);
        return remote.Branches[branch].Tip.Sha;
    }

    // Someone else working on the remote: clone it, commit, push.
    private string CommitOnRemote(string branch, string path, string content) => CommitThrough(_remotePath, branch, path, content);

    private string CommitOnForge(string branch, string path, string content) => CommitThrough(_forge.Forge.RepositoryPath(Repo), branch, path, content);

    private string CommitThrough(string bare, string branch, string path, string content)
    {
        var clone = Path.Combine(_forge.Root, "scratch", Guid.NewGuid().ToString("N"));
        Repository.Clone(bare, clone);
        using var repo = new Repository(clone);
        var start = repo.Branches["origin/" + branch]?.Tip ?? repo.Head.Tip;
        Commands.Checkout(repo, repo.CreateBranch("work-" + Guid.NewGuid().ToString("N")[..8], start));
        Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(clone, path))!);
        File.WriteAllText(Path.Combine(clone, path), content);
        Commands.Stage(repo, "*");
        var commit = repo.Commit($"{branch}: {path}", _forge.Author, _forge.Author);
        repo.Network.Push(repo.Network.Remotes["origin"], $"HEAD:refs/heads/{branch}", new PushOptions());
        return commit.Sha;
    }
}
