using AgentOps.Core;

namespace AgentOps.Planning.Tests;

public sealed class SkillCatalogTests
{
    private static readonly string s_skillFile = Path.Combine(RepositoryFiles.SkillsDirectory, "provision-database.yaml");

    [Fact]
    public void Load_RepositoryCatalogue_HoldsProvisionDatabase()
    {
        var sut = SkillCatalog.Load(RepositoryFiles.SkillsDirectory);

        var skill = Assert.Single(sut.Skills);
        Assert.Same(skill, sut.Find("provision-database"));
        Assert.Null(sut.Find("deploy-kafka"));
        Assert.Equal(
            new[] { "service", "namespace", "engine", "size", "region", "backup_schedule" },
            skill.Parameters.Select(p => p.Name));
        Assert.Contains("postgres", skill.Triggers);
        Assert.Contains("${param.resource_name}", skill.ClaimTemplate, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_RepositoryCatalogue_DescribesEveryParameterForLlmPlanner()
    {
        var sut = RepositoryFiles.ProvisionDatabase;

        Assert.NotEmpty(sut.Examples);
        Assert.All(sut.Parameters, p =>
        {
            Assert.False(string.IsNullOrWhiteSpace(p.Description), p.Name);
            Assert.NotEmpty(p.Examples);
        });
        Assert.All(sut.Derived, d => Assert.False(string.IsNullOrWhiteSpace(d.Description), d.Name));
    }

    [Fact]
    public void Load_RepositoryCatalogue_SizeTableMatchesBrief()
    {
        var sut = RepositoryFiles.ProvisionDatabase.Storage;

        Assert.NotNull(sut);
        Assert.Equal("storage_gb", sut.Parameter);
        Assert.Equal(new[] { "small:20", "medium:100", "large:500" }, sut.Sizes.Select(s => $"{s.Name}:{s.StorageGb}"));
        Assert.All(sut.Sizes, s => Assert.True(s.MaxStorageGb >= s.StorageGb, s.Name));
    }

    [Fact]
    public void Load_RepositoryCatalogue_ReadsRegionAreasAndUnsupportedRequirements()
    {
        var sut = RepositoryFiles.ProvisionDatabase;

        var area = Assert.Single(sut.FindParameter("region")!.Areas);
        Assert.Equal(("eu", "eu-", "eu-west-1"), (area.Name, area.Prefix, area.Default));
        Assert.Equal(["eu", "europe", "eu region", "european union"], area.Words);
        Assert.Equal(
            ["replicas", "engine-version", "encryption", "delete", "compute", "point-in-time-recovery", "backup-retention", "public-access", "custom-configuration"],
            sut.UnsupportedRequirements.Select(r => r.Id));
        Assert.Equal(["delete"], sut.UnsupportedRequirements.Where(r => r.Kind == UnsupportedRequirementKind.Action).Select(r => r.Id));
    }

    [Fact]
    public async Task Load_ExampleRequests_AllBecomePlans()
    {
        var planner = RepositoryFiles.CreatePlanner();

        // The examples teach the LLM planner what a good request looks like, so each must plan as written.
        foreach (var example in RepositoryFiles.ProvisionDatabase.Examples)
        {
            var outcome = await planner.PlanAsync(RepositoryFiles.Goal(example));

            Assert.True(outcome is PlanningOutcome.Planned, $"{example} => {outcome}");
        }
    }

    [Theory]
    [InlineData("name: provision-database\n", "name: provision-database\nowner: me\n", "Property 'owner' not found")]
    [InlineData("    tool: claim_render\n", "    tool: claim_render\n    tool: claim_render\n", "duplicate key")]
    [InlineData("template: '${param.service}-db'", "template: '${param.servce}-db'", "${param.servce}")]
    [InlineData("kind: choice\n    required: true\n    description: The database engine.", "kind: pick\n    required: true\n    description: The database engine.", "kind must be 'choice' or 'text'")]
    [InlineData("name: provision-database\n", "name: provision-db\n", "name the file provision-db.yaml")]
    [InlineData("      - '\\bns\\s+(?<value>[a-z][a-z0-9-]*)'", "      - '\\bns\\s+([a-z]*)'", "has no (?<value>...) group")]
    [InlineData("      - '\\bns\\s+(?<value>[a-z][a-z0-9-]*)'", "      - '\\bns\\s+(?<value>[a-z'", "not a valid regular expression")]
    [InlineData("    storageGb: 100\n", "    storageGb: lots\n", "line ")]
    [InlineData("      large: [large,", "      huge: [large,", "must list exactly the values of parameter 'size'")]
    [InlineData("  - id: replicas\n", "  - id: replicas\n    severity: high\n", "Property 'severity' not found")]
    [InlineData("  - id: replicas\n    pattern: '", "  - id: replicas\n    pattern: '(unclosed|", "unsupportedRequirements 'replicas': pattern '(unclosed|")]
    [InlineData("  - id: replicas\n    pattern: '", "  - id: replicas\n    pattern: '(?:x)?|", "matches an empty request")]
    [InlineData("    kind: action\n", "    kind: intent\n", "kind must be 'requirement' or 'action', not 'intent'")]
    [InlineData("  - id: encryption\n", "  - id: replicas\n", "unsupportedRequirements: 'replicas' appears more than once")]
    [InlineData("  - id: encryption\n", "  - id: Encryption\n", "id must be lower-case words")]
    [InlineData("        prefix: eu-\n", "        prefix: eu-\n        region: eu\n", "Property 'region' not found")]
    [InlineData("        prefix: eu-\n", "        prefix: us-\n", "default 'eu-west-1' does not start with the prefix 'us-'")]
    [InlineData("        default: eu-west-1\n", "        default: eu-west-9\n", "area 'eu': default 'eu-west-9' is not one of the values")]
    [InlineData("        words: [eu, europe,", "        words: [eu, ireland, europe,", "word 'ireland' is already a synonym of 'eu-west-1'")]
    public void Load_BrokenSkillFile_FailsNamingFileAndProblem(string original, string broken, string expected)
    {
        using var folder = new TempDirectory();
        var yaml = File.ReadAllText(s_skillFile);
        Assert.Contains(original, yaml, StringComparison.Ordinal);
        var file = folder.Write("provision-database.yaml", ReplaceFirst(yaml, original, broken));

        var sut = Assert.Throws<InvalidDataException>(() => SkillCatalog.Load(folder.Path));

        Assert.StartsWith(file, sut.Message, StringComparison.Ordinal);
        Assert.Contains(expected, sut.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_MissingFolder_ThrowsDirectoryNotFound()
    {
        var sut = Assert.Throws<DirectoryNotFoundException>(() => SkillCatalog.Load("/nonexistent/skills"));

        Assert.Contains("/nonexistent/skills", sut.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_EmptyFolder_Fails()
    {
        using var folder = new TempDirectory();

        var sut = Assert.Throws<InvalidDataException>(() => SkillCatalog.Load(folder.Path));

        Assert.Contains("holds no *.yaml files", sut.Message, StringComparison.Ordinal);
    }

    private static string ReplaceFirst(string text, string original, string replacement)
    {
        var index = text.IndexOf(original, StringComparison.Ordinal);
        return string.Concat(text.AsSpan(0, index), replacement, text.AsSpan(index + original.Length));
    }
}
