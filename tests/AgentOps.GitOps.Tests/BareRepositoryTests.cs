using LibGit2Sharp;

namespace AgentOps.GitOps.Tests;

public sealed class BareRepositoryTests : IDisposable
{
    private static readonly Signature s_author = new("forge", "forge@agentops.local", new DateTimeOffset(2025, 6, 2, 9, 30, 0, TimeSpan.Zero));

    private readonly string _root = Path.Combine(Path.GetTempPath(), "agentops-gitops-tests", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            foreach (var file in Directory.EnumerateFiles(_root, "*", SearchOption.AllDirectories))
            {
                File.SetAttributes(file, FileAttributes.Normal);
            }
            Directory.Delete(_root, recursive: true);
        }
    }

    [Fact]
    public void OpenOrCreate_NewName_CreatesBareRepositoryWithReadmeOnMain()
    {
        var sut = BareRepository.OpenOrCreate(_root, "platform-gitops", s_author);

        Assert.Equal(Path.Combine(_root, "platform-gitops.git"), sut.Path);
        using var repo = new Repository(sut.Path);
        Assert.True(repo.Info.IsBare);
        Assert.Equal("main", repo.Head.FriendlyName);
        var tip = repo.Branches["main"].Tip;
        Assert.Equal("Initial commit\n", tip.Message);
        Assert.Contains("platform-gitops", ((Blob)tip["README.md"].Target).GetContentText(), StringComparison.Ordinal);
    }

    [Fact]
    public void OpenOrCreate_Existing_KeepsHistory()
    {
        var first = BareRepository.OpenOrCreate(_root, "platform-gitops", s_author);
        string tip;
        using (var repo = new Repository(first.Path))
        {
            tip = repo.Branches["main"].Tip.Sha;
        }

        var sut = BareRepository.OpenOrCreate(_root, "platform-gitops", new Signature("other", "other@example.com", s_author.When.AddDays(1)));

        using var reopened = new Repository(sut.Path);
        Assert.Equal(tip, reopened.Branches["main"].Tip.Sha);
        Assert.Single(reopened.Commits.QueryBy(new CommitFilter { IncludeReachableFrom = "refs/heads/main" }));
    }

    [Theory]
    [InlineData("../escape")]
    [InlineData("Platform")]
    [InlineData("")]
    public void PathFor_InvalidName_ThrowsArgumentException(string name)
    {
        var error = Assert.Throws<ArgumentException>(() => BareRepository.PathFor(_root, name));

        Assert.Equal("name", error.ParamName);
    }
}
