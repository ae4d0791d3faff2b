using System.Runtime.CompilerServices;
using Microsoft.SemanticKernel.ChatCompletion;

namespace AgentOps.Planning.Kernel.Tests;

/// <summary>
/// The prompts are part of the product: a change to a template, to the skill catalogue the model sees, or to how it is
/// rendered shows up here as a diff to review. To accept one: AGENTOPS_UPDATE_SNAPSHOTS=1 dotnet test, then commit.
/// </summary>
public sealed class PromptSnapshotTests
{
    [Fact]
    public void PlanSystemPrompt_AsSentToTheModel_MatchesTheSnapshot()
    {
        var options = KernelPlannerHarness.Options(new Uri("http://127.0.0.1:9/v1"));
        var planner = new KernelPlanner(new UnusedChat(), KernelPlannerHarness.Catalog,
            new SkillPlanner(KernelPlannerHarness.Catalog, KernelPlannerHarness.Policy), KernelPlannerHarness.Prompts, options);

        AssertSnapshot("plan.system.txt", planner.SystemPrompt);
    }

    [Fact]
    public void RepairPrompt_Rendered_MatchesTheSnapshot()
    {
        var rendered = PromptLibrary.Render(KernelPlannerHarness.Prompts.RepairUser,
            new Dictionary<string, string> { ["error"] = "the answer is not valid JSON (example)" });

        AssertSnapshot("repair.user.txt", rendered);
    }

    [Fact]
    public void InvestigateSystemPrompt_Rendered_MatchesTheSnapshot()
    {
        // The investigator fills {{spotlighting}} with AgentOps.Guardrails' Spotlighter.Instructions; this project does not
        // reference the guardrails, so a marker stands in for it here (the investigator's tests check it arrives).
        var rendered = PromptLibrary.Render(KernelPlannerHarness.Prompts.InvestigateSystem!, new Dictionary<string, string>
        {
            ["spotlighting"] = "<Spotlighter.Instructions>",
            ["scopes"] = "k8s:read:ns/payments prometheus:query:metrics",
            ["unavailable"] = "none",
        });

        AssertSnapshot("investigate.system.txt", rendered);
        Assert.StartsWith("sha256:", KernelPlannerHarness.Prompts.InvestigateDigest, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_PlaceholderWithoutAValue_IsAnErrorNotSent()
    {
        var error = Assert.Throws<InvalidOperationException>(() => PromptLibrary.Render("Catalogue: {{catalogue}}", new Dictionary<string, string>()));

        Assert.Contains("{{catalogue}}", error.Message, StringComparison.Ordinal);
    }

    private static void AssertSnapshot(string name, string actual, [CallerFilePath] string source = "")
    {
        var committed = Path.Combine(Path.GetDirectoryName(source)!, "Snapshots", name);
        if (Environment.GetEnvironmentVariable("AGENTOPS_UPDATE_SNAPSHOTS") == "1")
        {
            File.WriteAllText(committed, actual);
        }
        var expected = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Snapshots", name));
        Assert.Equal(expected.ReplaceLineEndings("\n"), actual.ReplaceLineEndings("\n"));
    }

    private sealed class UnusedChat : IChatCompletionService
    {
        public IReadOnlyDictionary<string, object?> Attributes { get; } = new Dictionary<string, object?>();

        public Task<IReadOnlyList<Microsoft.SemanticKernel.ChatMessageContent>> GetChatMessageContentsAsync(ChatHistory chatHistory,
            Microsoft.SemanticKernel.PromptExecutionSettings? executionSettings = null, Microsoft.SemanticKernel.Kernel? kernel = null,
            CancellationToken cancellationToken = default) => throw new InvalidOperationException("not called");

        public IAsyncEnumerable<Microsoft.SemanticKernel.StreamingChatMessageContent> GetStreamingChatMessageContentsAsync(ChatHistory chatHistory,
            Microsoft.SemanticKernel.PromptExecutionSettings? executionSettings = null, Microsoft.SemanticKernel.Kernel? kernel = null,
            CancellationToken cancellationToken = default) => throw new InvalidOperationException("not called");
    }
}
