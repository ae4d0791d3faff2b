using AgentOps.Core;
using Microsoft.SemanticKernel.ChatCompletion;

namespace AgentOps.Planning.Kernel.Tests;

/// <summary>The repository's real catalogue, policy and prompt templates, and a planner pointed at a fake endpoint.</summary>
internal static class KernelPlannerHarness
{
    public const string ReadmeRequest = "I need a PostgreSQL database for my new service payments-api, small size, EU region, with daily backups";

    public static SkillCatalog Catalog { get; } = SkillCatalog.Load(Path.Combine(AppContext.BaseDirectory, "prompts", "skills"));

    public static PlanningPolicy Policy { get; } = PlanningPolicy.Load(Path.Combine(AppContext.BaseDirectory, "guardrails", "policy.yaml"));

    public static PromptLibrary Prompts { get; } = PromptLibrary.Load(Path.Combine(AppContext.BaseDirectory, "prompts", "kernel"));

    public static RunbookPlanner Runbook { get; } = new(Catalog, Policy);

    public static LlmOptions Options(Uri endpoint) => new()
    {
        Provider = "openai-compatible",
        Endpoint = endpoint,
        Model = "gpt-4o-mini",
        RetryDelay = TimeSpan.FromMilliseconds(5),
        MaxRetries = 2,
        InputPricePerMillionTokens = 0.15m,
        OutputPricePerMillionTokens = 0.60m,
    };

    public static KernelPlanner Create(LlmOptions options, string apiKey = FakeChatCompletions.ApiKey)
    {
        var kernel = ModelConnection.CreateKernel(options, apiKey, TimeProvider.System);
        return new KernelPlanner(kernel.GetRequiredService<IChatCompletionService>(), Catalog, new SkillPlanner(Catalog, Policy), Prompts, options);
    }

    public static Goal Goal(string text = ReadmeRequest) =>
        new("goal-1", "developer@example.com", text, "cli", "corr-1", new DateTimeOffset(2026, 11, 29, 9, 0, 0, TimeSpan.Zero));
}
