using System.Text;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace AgentOps.Interop.Tests.Fixtures;

/// <summary>
/// Runs the conformance scenarios once, concurrently, against the Crossplane server in Streamable HTTP mode, and
/// reports a per-scenario summary as an xUnit diagnostic message, which <c>dotnet test</c> prints even when
/// everything passes. The tests then judge each scenario on its own.
/// </summary>
public sealed class ConformanceRuns(IMessageSink diagnostics) : IAsyncLifetime
{
    /// <summary>The generic server scenarios. Those needing fixture tools with fixed names (tools-call-*, prompts-*, resources-*) are left out: a production server has no such tools.</summary>
    public static readonly IReadOnlyList<(string Package, string Scenario)> Scenarios =
    [
        (ConformanceSuite.Release, "server-initialize"),
        (ConformanceSuite.Release, "tools-list"),
        (ConformanceSuite.Release, "ping"),
        (ConformanceSuite.Release, "dns-rebinding-protection"),
        (ConformanceSuite.PreRelease, "server-stateless"),
    ];

    /// <summary>
    /// Checks that exercise a diagnostic tool the suite expects the server under test to implement, the way the
    /// tools-call-* scenarios expect theirs. Our servers have only their real tools, so these cannot pass; every other
    /// check must. One listed here that starts passing is reported in the summary.
    /// </summary>
    public static readonly IReadOnlyDictionary<(string Scenario, string Check), string> NeedsFixtureTool = new Dictionary<(string, string), string>
    {
        [("server-stateless", "sep-2575-server-rejects-undeclared-capability")] = "calls the suite's diagnostic tool 'test_missing_capability'",
        [("server-stateless", "sep-2575-missing-capability-http-400")] = "needs 'test_missing_capability' in tools/list",
    };

    private Dictionary<string, ScenarioRun> _runs = [];

    public string Summary { get; private set; } = string.Empty;

    public ScenarioRun this[string scenario] => _runs[scenario];

    public async Task InitializeAsync()
    {
        await using var server = await HttpToolServer.StartAsync(ServerUnderTest.CrossplaneAssembly, ServerUnderTest.CrossplaneId);
        var runs = await Task.WhenAll(Scenarios.Select(s => ConformanceSuite.RunAsync(s.Package, s.Scenario, server.Endpoint)));
        _runs = runs.ToDictionary(r => r.Scenario);
        Summary = Summarise(runs);
        diagnostics.OnMessage(new DiagnosticMessage(Summary));
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private static string Summarise(IEnumerable<ScenarioRun> runs)
    {
        var text = new StringBuilder("MCP conformance against agentops-crossplane over Streamable HTTP\n");
        text.AppendLine($"  {"scenario",-26} {"package",-36} {"passed",6} {"failed",6} {"warn",5} {"skip",5}");
        foreach (var run in runs)
        {
            text.AppendLine($"  {run.Scenario,-26} {run.Package,-36} {run.Count("SUCCESS"),6} {run.Count("FAILURE"),6} {run.Count("WARNING"),5} {run.Count("SKIPPED"),5}");
            foreach (var check in run.Checks.Where(c => c.Status is "FAILURE" or "WARNING"))
            {
                var why = NeedsFixtureTool.TryGetValue((run.Scenario, check.Id), out var reason) ? $"expected, {reason}" : FirstLine(check.ErrorMessage);
                text.AppendLine($"    {check.Status} {check.Id}: {why}");
            }
            foreach (var stale in NeedsFixtureTool.Keys.Where(k => k.Scenario == run.Scenario && run.Checks.Any(c => c.Id == k.Check && c.Status == "SUCCESS")))
            {
                text.AppendLine($"    now passing, drop it from NeedsFixtureTool: {stale.Check}");
            }
        }
        return text.ToString();
    }

    private static string FirstLine(string? text) => text?.Split('\n', 2)[0] ?? string.Empty;
}
