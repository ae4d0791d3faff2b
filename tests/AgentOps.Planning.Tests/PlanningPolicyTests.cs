namespace AgentOps.Planning.Tests;

public sealed class PlanningPolicyTests
{
    private const string ValidPolicy = """
        regions:
          allowed: [eu-west-1]
        teams:
          - name: payments
            namespace: payments
            maxSize: medium
            members: [developer@example.com]
        """;

    [Fact]
    public void Load_RepositoryPolicy_ReadsRegionsAndTeams()
    {
        var sut = PlanningPolicy.Load(RepositoryFiles.PolicyPath);

        Assert.Equal(new[] { "eu-west-1", "eu-central-1", "us-east-1" }, sut.AllowedRegions);
        Assert.Equal("medium", sut.FindTeam("payments")?.MaxSize);
        Assert.Equal("small", sut.FindTeam("billing")?.MaxSize);
        Assert.Equal("payments", Assert.Single(sut.TeamsOf("Developer@Example.com")).Name);
        Assert.Empty(sut.TeamsOf("stranger@example.com"));
        Assert.True(sut.IsRegionAllowed("eu-central-1"));
        Assert.False(sut.IsRegionAllowed("us-west-2"));
    }

    [Theory]
    [InlineData("  allowed: [eu-west-1]\n", "  allowed: [eu-west-1]\n  aliases: {eu: eu-west-1}\n", "Property 'aliases' not found")]
    [InlineData("    maxSize: medium\n", "    maxSize: medium\n    maxsize: large\n", "Property 'maxsize' not found")]
    [InlineData("regions:\n  allowed: [eu-west-1]\n", "regions: {}\n", "regions.allowed is required")]
    [InlineData("  allowed: [eu-west-1]", "  allowed: [europe]", "'europe' is not a region id")]
    [InlineData("  allowed: [eu-west-1]", "  allowed: [eu-west-1, eu-west-1]", "'eu-west-1' is listed more than once")]
    [InlineData("    namespace: payments\n", "", "teams[0].namespace is required")]
    [InlineData("    members: [developer@example.com]", "    members: [developer@example.com", "line ")]
    [InlineData("regions:", "- regions:", "line ")]
    public void Load_BrokenPolicy_FailsNamingFileAndProblem(string original, string broken, string expected)
    {
        using var folder = new TempDirectory();
        Assert.Contains(original, ValidPolicy, StringComparison.Ordinal);
        var file = folder.Write("policy.yaml", ValidPolicy.Replace(original, broken, StringComparison.Ordinal));

        var sut = Assert.Throws<InvalidDataException>(() => PlanningPolicy.Load(file));

        Assert.StartsWith(file, sut.Message, StringComparison.Ordinal);
        Assert.Contains(expected, sut.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_EmptyFile_Fails()
    {
        using var folder = new TempDirectory();
        var file = folder.Write("policy.yaml", "");

        var sut = Assert.Throws<InvalidDataException>(() => PlanningPolicy.Load(file));

        Assert.Equal($"{file}: the file is empty.", sut.Message);
    }

    [Fact]
    public void RunbookPlanner_TeamLimitNotInSizeTable_FailsAtConstruction()
    {
        var policy = new PlanningPolicy(["eu-west-1"], [new TeamPolicy("payments", "payments", "gigantic", [])]);

        var sut = Assert.Throws<ArgumentException>(() => new RunbookPlanner(RepositoryFiles.Catalog, policy));

        Assert.Contains("'gigantic'", sut.Message, StringComparison.Ordinal);
    }
}
