namespace AgentOps.GitOps.Tests;

public sealed class RepositoryNameTests
{
    [Theory]
    [InlineData("platform-gitops", true)]
    [InlineData("a", true)]
    [InlineData("app.config_2", true)]
    [InlineData("Platform", false)]
    [InlineData("-platform", false)]
    [InlineData(".git", false)]
    [InlineData("../etc", false)]
    [InlineData("a/b", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void IsValid_Name_AcceptsOnlyLowercaseSafeNames(string? name, bool expected)
    {
        Assert.Equal(expected, RepositoryName.IsValid(name));
    }

    [Fact]
    public void IsValid_101Characters_IsRefused()
    {
        Assert.True(RepositoryName.IsValid(new string('a', 100)));
        Assert.False(RepositoryName.IsValid(new string('a', 101)));
    }

    [Theory]
    [InlineData("agentops/run-42", true)]
    [InlineData("feature/Add_DB.v2", true)]
    [InlineData("main", true)]
    [InlineData("-delete", false)]
    [InlineData("/leading", false)]
    [InlineData("a..b", false)]
    [InlineData("trailing/", false)]
    [InlineData("with space", false)]
    [InlineData("semi;colon", false)]
    [InlineData("tilde~1", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void IsValidBranch_Name_AcceptsOnlySafeBranches(string? branch, bool expected)
    {
        Assert.Equal(expected, RepositoryName.IsValidBranch(branch));
    }
}
