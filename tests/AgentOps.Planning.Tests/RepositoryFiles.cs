using AgentOps.Core;

namespace AgentOps.Planning.Tests;

/// <summary>The repository's real skill catalogue and policy, as copied next to the test assembly.</summary>
internal static class RepositoryFiles
{
    public static string SkillsDirectory { get; } = Path.Combine(AppContext.BaseDirectory, "prompts", "skills");

    public static string PolicyPath { get; } = Path.Combine(AppContext.BaseDirectory, "guardrails", "policy.yaml");

    public static SkillCatalog Catalog { get; } = SkillCatalog.Load(SkillsDirectory);

    public static PlanningPolicy Policy { get; } = PlanningPolicy.Load(PolicyPath);

    public static Skill ProvisionDatabase => Catalog.Find("provision-database") ?? throw new InvalidOperationException("provision-database is missing.");

    public static RunbookPlanner CreatePlanner() => new(Catalog, Policy);

    public static Goal Goal(string text, string requester = "developer@example.com") =>
        new("goal-1", requester, text, "cli", "corr-1", new DateTimeOffset(2025, 1, 2, 3, 4, 5, TimeSpan.Zero));
}
