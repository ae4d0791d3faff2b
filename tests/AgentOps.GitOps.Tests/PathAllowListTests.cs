namespace AgentOps.GitOps.Tests;

public sealed class PathAllowListTests
{
    [Theory]
    [InlineData("platform/databases/orders-db.yaml")]
    [InlineData("platform/a")]
    [InlineData("README.md")]
    [InlineData("platform/.gitkeep")]
    public void Allows_PathUnderAllowedPrefixOrExact_ReturnsTrue(string path)
    {
        var sut = CreateSut();

        var allowed = sut.Allows(path, out var reason);

        Assert.True(allowed);
        Assert.Equal(string.Empty, reason);
    }

    [Theory]
    [InlineData("apps/payments/deployment.yaml")]
    [InlineData("platformx/a.yaml")]
    [InlineData("platform")]
    [InlineData("Platform/a.yaml")]
    [InlineData("readme.md")]
    [InlineData("docs/README.md")]
    public void Allows_PathOutsideAllowList_RefusesAsOutside(string path)
    {
        var sut = CreateSut();

        var allowed = sut.Allows(path, out var reason);

        Assert.False(allowed);
        Assert.Contains("outside the allowed paths", reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/etc/passwd")]
    [InlineData("/platform/a.yaml")]
    [InlineData("platform\\a.yaml")]
    [InlineData("platform/a\0.yaml")]
    [InlineData("")]
    [InlineData("  ")]
    public void Allows_AbsoluteBackslashOrEmptyPath_RefusesAsNotRelative(string path)
    {
        var sut = CreateSut();

        var allowed = sut.Allows(path, out var reason);

        Assert.False(allowed);
        Assert.Contains("is not a relative repository path", reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("platform/../.github/workflows/ci.yaml")]
    [InlineData("platform/..")]
    [InlineData("platform/./a.yaml")]
    [InlineData("platform//a.yaml")]
    [InlineData("platform/")]
    [InlineData("platform/.git/config")]
    [InlineData("platform/.GIT/hooks/pre-commit")]
    [InlineData(".git/config")]
    public void Allows_DotDotDotGitOrEmptySegment_RefusesSegment(string path)
    {
        var sut = CreateSut();

        var allowed = sut.Allows(path, out var reason);

        Assert.False(allowed);
        Assert.Contains("'..' or '.git' segment", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Allows_NoPatterns_RefusesEverything()
    {
        var sut = new PathAllowList([]);

        Assert.False(sut.Allows("platform/a.yaml", out _));
    }

    [Fact]
    public void Patterns_Constructed_AreThoseGiven()
    {
        var sut = CreateSut();

        Assert.Equal(["platform/**", "README.md"], sut.Patterns);
    }

    private static PathAllowList CreateSut() => new(["platform/**", "README.md"]);
}
