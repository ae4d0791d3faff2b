using AgentOps.Guardrails.Approvals;

namespace AgentOps.Guardrails.Tests.Approvals;

public sealed class CodeOwnersTests
{
    private static readonly Dictionary<string, IReadOnlyList<string>> s_teams = new(StringComparer.OrdinalIgnoreCase)
    {
        ["@acme/platform"] = ["bob@example.com"],
        ["@acme/payments"] = ["carol@example.com"],
    };

    private const string File = """
        # comment
        *                      @acme/platform
        /teams/payments/       @acme/payments
        *.md                   docs@example.com
        /teams/payments/README.md
        apps/**/values.yaml    @dave
        """;

    [Theory]
    [InlineData("clusters/eu/app.yaml", "*")]
    [InlineData("teams/payments/databases/orders/claim.yaml", "/teams/payments/")]
    [InlineData("teams/billing/notes.md", "*.md")]
    [InlineData("teams/payments/README.md", "/teams/payments/README.md")]
    [InlineData("apps/web/prod/values.yaml", "apps/**/values.yaml")]
    [InlineData("apps/values.yaml", "apps/**/values.yaml")]
    public void Match_SeveralLinesMatch_LastOneWins(string path, string expectedPattern)
    {
        var sut = CodeOwners.Parse(File, "CODEOWNERS", s_teams);

        Assert.Equal(expectedPattern, sut.Match(path)?.Pattern);
    }

    [Fact]
    public void Owns_PathOwnedByALaterTeam_OnlyThatTeamsMembersOwnIt()
    {
        var sut = CodeOwners.Parse(File, "CODEOWNERS", s_teams);

        Assert.True(sut.Owns("carol@example.com", "teams/payments/databases/orders/claim.yaml"));
        Assert.False(sut.Owns("bob@example.com", "teams/payments/databases/orders/claim.yaml"));
        Assert.True(sut.Owns("bob@example.com", "teams/billing/claim.yaml"));
        Assert.True(sut.Owns("dave", "apps/web/values.yaml"));
    }

    [Fact]
    public void HasOwners_LastMatchingLineNamesNobody_PathIsUnowned()
    {
        var sut = CodeOwners.Parse(File, "CODEOWNERS", s_teams);

        Assert.False(sut.HasOwners("teams/payments/README.md"));
        Assert.True(sut.HasOwners("teams/payments/claim.yaml"));
    }

    [Fact]
    public void Match_AnchoredPattern_DoesNotMatchDeeperDirectoryOfTheSameName()
    {
        var sut = CodeOwners.Parse("/teams/ @acme/platform\n", "CODEOWNERS", s_teams);

        Assert.NotNull(sut.Match("teams/a.yaml"));
        Assert.Null(sut.Match("archive/teams/a.yaml"));
    }

    [Fact]
    public void Parse_TeamMissingFromTheTeamMap_ThrowsNamingFileAndLine()
    {
        var error = Assert.Throws<InvalidDataException>(() => CodeOwners.Parse("* @acme/platform\n/x/ @acme/ghosts\n", "guardrails/CODEOWNERS", s_teams));

        Assert.StartsWith("guardrails/CODEOWNERS:2:", error.Message, StringComparison.Ordinal);
        Assert.Contains("@acme/ghosts", error.Message, StringComparison.Ordinal);
    }
}
