namespace AgentOps.GitOps.Tests;

public sealed class RemoteAllowListTests
{
    private readonly RemoteAllowList _sut = new(["https://github.com/acme/", "file:///srv/git/gitops.git"]);

    [Theory]
    [InlineData("https://github.com/acme/platform-gitops.git")]
    [InlineData("https://GitHub.com/acme/platform-gitops")]
    [InlineData("file:///srv/git/gitops.git")]
    public void Allows_EntryOrBelowIt_True(string url)
    {
        Assert.True(_sut.Allows(url, out var reason), reason);
    }

    [Theory]
    [InlineData("https://github.com/acme-evil/platform-gitops.git", "not an allowed remote")]
    [InlineData("https://github.com/acme/../other/x.git", "'..'")]
    [InlineData("https://github.com/acme/%2e%2e/other/x.git", "escapes")]
    [InlineData("https://user:secret@github.com/acme/x.git", "credentials")]
    [InlineData("https://github.com/acme/x.git?ref=main", "query")]
    [InlineData("http://github.com/acme/x.git", "only https:// and file://")]
    [InlineData("ssh://git@github.com/acme/x.git", "only https:// and file://")]
    [InlineData("file:///srv/git/gitops.git.evil", "not an allowed remote")]
    [InlineData("file:///srv/git/other.git", "not an allowed remote")]
    [InlineData("../relative/path", "not an absolute URL")]
    public void Allows_OutsideOrSuspicious_FalseWithReason(string url, string expected)
    {
        Assert.False(_sut.Allows(url, out var reason));
        Assert.Contains(expected, reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Allows_EmptyList_RefusesEverythingAndSaysWhy()
    {
        var sut = new RemoteAllowList([]);

        Assert.False(sut.Allows("https://github.com/acme/x.git", out var reason));
        Assert.Contains("AgentOps:Git:AllowedRemotes is empty", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_EntryWithCredentials_Refused()
    {
        var error = Assert.Throws<ArgumentException>(() => new RemoteAllowList(["https://token@github.com/acme/"]));

        Assert.Contains("AllowedRemotes", error.Message, StringComparison.Ordinal);
    }
}
