using AgentOps.Testing;
using System.Text.Json.Nodes;

namespace AgentOps.Cli.Tests;

/// <summary>
/// The CLI with a model configured (an OpenAI-compatible endpoint on loopback serving a recorded conversation): the
/// model's plan becomes the same pull request the offline runbook planner opens, its cost is accounted in the output,
/// the audit log and `runs show`, and a failing endpoint falls back to the runbook planner with a notice.
/// </summary>
public sealed class KernelPlannerEndToEndTests : IDisposable
{
    private readonly TempDirectory _withModel = new();
    private readonly TempDirectory _offline = new();

    public void Dispose()
    {
        _withModel.Dispose();
        _offline.Dispose();
    }

    private static Dictionary<string, string> ModelSettings(FakeChatCompletions model) => new()
    {
        ["AgentOps__Llm__Endpoint"] = model.BaseUrl.ToString(),
        ["AgentOps__Llm__Model"] = "gpt-4o-mini",
        ["AgentOps__Llm__InputPricePerMillionTokens"] = "0.15",
        ["AgentOps__Llm__OutputPricePerMillionTokens"] = "0.60",
        ["AgentOps__Llm__RetryDelay"] = "00:00:00.010",
        ["AGENTOPS_LLM_API_KEY"] = FakeChatCompletions.ApiKey,
    };

    [Fact]
    public async Task Chat_ModelConfigured_OpensTheSamePullRequestAsTheRunbookPlannerAndAccountsForTokens()
    {
        using var model = FakeChatCompletions.Serve("plan-readme-request.json");
        var withModel = new CliProcess(_withModel.Path, ModelSettings(model));
        var offline = new CliProcess(_offline.Path);

        var planned = await withModel.RunAsync("chat", ChatEndToEndTests.ReadmeRequest, "--json");
        var baseline = await offline.RunAsync("chat", ChatEndToEndTests.ReadmeRequest, "--json");

        Assert.True(planned.ExitCode == 0, planned.ToString());
        Assert.True(baseline.ExitCode == 0, baseline.ToString());
        Assert.Single(model.Requests);
        Assert.Equal(baseline.Json["planDigest"]!.GetValue<string>(), planned.Json["planDigest"]!.GetValue<string>());
        const string Branch = "agentops/payments/payments-api-db";
        Assert.Equal(new ForgeInspector(_offline.Path).Files(Branch), new ForgeInspector(_withModel.Path).Files(Branch));
        Assert.Empty(planned.Json["notices"]!.AsArray());
        Assert.Contains("No model is configured", baseline.Json["notices"]![0]!.GetValue<string>(), StringComparison.Ordinal);
        var usage = planned.Json["usage"]!;
        Assert.Equal((1, 1843L, 64L), (usage["calls"]!.GetValue<int>(), usage["inputTokens"]!.GetValue<long>(), usage["outputTokens"]!.GetValue<long>()));
        Assert.Equal(0.00031485m, usage["estimatedCostUsd"]!.GetValue<decimal>());

        var runId = planned.Json["runId"]!.GetValue<string>();
        var show = await withModel.RunAsync("runs", "show", runId, "--json");
        Assert.Equal("kernel", show.Json["planner"]!.GetValue<string>());
        Assert.Equal(1843L, show.Json["usage"]!["inputTokens"]!.GetValue<long>());
        var intake = await AuditDecisionsAsync(withModel, runId, "cli/request");
        Assert.Contains(intake, d => d["rule"]!.GetValue<string>() == "planner.usage" && d["reason"]!.GetValue<string>().Contains("1843 input + 64 output tokens", StringComparison.Ordinal));
        // The key was sent to the endpoint and nowhere else: not in the database, the forge or any log.
        foreach (var file in Directory.EnumerateFiles(_withModel.Path, "*", SearchOption.AllDirectories))
        {
            Assert.DoesNotContain(FakeChatCompletions.ApiKey, System.Text.Encoding.UTF8.GetString(File.ReadAllBytes(file)), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Chat_ModelEndpointFailing_RetriesThenFallsBackToTheRunbookPlannerWithANoticeInOutputAndAudit()
    {
        using var model = FakeChatCompletions.Serve("plan-server-errors.json");
        var sut = new CliProcess(_withModel.Path, ModelSettings(model));

        var result = await sut.RunAsync("chat", ChatEndToEndTests.ReadmeRequest, "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("PullRequestOpened", result.Json["status"]!.GetValue<string>());
        Assert.Equal(3, model.Requests.Count);
        var notice = result.Json["notices"]![0]!.GetValue<string>();
        Assert.Contains("HTTP 500", notice, StringComparison.Ordinal);
        Assert.Contains("runbook planner", notice, StringComparison.Ordinal);
        var intake = await AuditDecisionsAsync(sut, result.Json["runId"]!.GetValue<string>(), "cli/request");
        Assert.Contains(intake, d => d["rule"]!.GetValue<string>() == "planner.notice" && d["reason"]!.GetValue<string>().Contains("HTTP 500", StringComparison.Ordinal));
    }

    private static async Task<List<JsonNode>> AuditDecisionsAsync(CliProcess cli, string runId, string action)
    {
        var export = await cli.RunAsync("audit", "export");
        var record = export.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!)
            .Single(r => r["run_id"]!.GetValue<string>() == runId && r["action"]!.GetValue<string>() == action);
        return record["decisions"]!.AsArray().Select(d => d!).ToList();
    }
}
