namespace AgentOps.Cli.Tests;

/// <summary>
/// L2's budgets hold across commands: each <c>agentops</c> command is a process of its own, and the budgets it spends
/// are in the data directory's database, so the next command starts with what the last one left.
/// </summary>
public sealed class GuardrailBudgetsEndToEndTests : IDisposable
{
    // The README request's plan makes seven tool calls (render, validate, branch, files, commit, push, pull request);
    // a tenant allowed exactly that many an hour has nothing left after one chat.
    private const int CallsPerChat = 7;

    private readonly TempDirectory _data = new();
    private readonly TempDirectory _guardrails = new();
    private readonly CliProcess _sut;

    public GuardrailBudgetsEndToEndTests()
    {
        foreach (var file in Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "guardrails")))
        {
            File.Copy(file, Path.Combine(_guardrails.Path, Path.GetFileName(file)));
        }
        var scope = Path.Combine(_guardrails.Path, "scope.yaml");
        var text = File.ReadAllText(scope);
        const string Shipped = "perTenant: { permits: 120, window: 1m }";
        Assert.Contains(Shipped, text, StringComparison.Ordinal);
        File.WriteAllText(scope, text.Replace(Shipped, $"perTenant: {{ permits: {CallsPerChat}, window: 1h }}", StringComparison.Ordinal));
        _sut = new CliProcess(_data.Path, new Dictionary<string, string> { ["AgentOps__Guardrails__Directory"] = _guardrails.Path });
    }

    public void Dispose()
    {
        _data.Dispose();
        _guardrails.Dispose();
    }

    [Fact]
    public async Task Chat_TenantRateBudgetSpentByOneCommand_RefusesTheNextCommandsFirstCall()
    {
        var first = await _sut.RunAsync("chat", ChatEndToEndTests.ReadmeRequest, "--json");
        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Equal(CallsPerChat, first.Json["plan"]!["steps"]!.AsArray().Count);

        // Another service, so the request is not a duplicate of the first; the same requester, so the same tenant.
        var second = await _sut.RunAsync("chat", ChatEndToEndTests.ReadmeRequest.Replace("payments-api", "orders-api", StringComparison.Ordinal), "--json");

        Assert.True(second.ExitCode != 0, second.ToString());
        Assert.Equal("policy.rate.tenant", second.Json["rule"]!.GetValue<string>());
        var refusal = second.Json["decisions"]!.AsArray().Single(d => d!["layer"]!.GetValue<string>() == "L2.scope")!;
        Assert.Equal(("render_claim", "deny", "policy.rate.tenant"),
            (refusal["step"]!.GetValue<string>(), refusal["verdict"]!.GetValue<string>(), refusal["rule"]!.GetValue<string>()));
        Assert.Contains($"tenant 'payments' exceeded {CallsPerChat} tool calls", refusal["reason"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Null(second.Json["pullRequest"]);
    }
}
