using AgentOps.Interop.Tests.Fixtures;

namespace AgentOps.Interop.Tests;

/// <summary>
/// The official MCP conformance suite's generic server scenarios against the Crossplane server in Streamable HTTP
/// mode: every check of every scenario passes, except the few that need the suite's own diagnostic tool.
/// </summary>
public sealed class ConformanceTests(ConformanceRuns runs) : IClassFixture<ConformanceRuns>
{
    public static TheoryData<string> Scenarios => [.. ConformanceRuns.Scenarios.Select(s => s.Scenario)];

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void Scenario_AgainstCrossplaneOverHttp_EveryCheckPasses(string scenario)
    {
        var run = runs[scenario];

        Assert.True(run.Count("SUCCESS") > 0, $"{scenario}: no check passed.\n{run.Process.Describe()}");
        var failed = run.Checks
            .Where(c => c.Status == "FAILURE" && !ConformanceRuns.NeedsFixtureTool.ContainsKey((scenario, c.Id)))
            .Select(c => $"{c.Id}: {c.ErrorMessage}")
            .ToArray();
        Assert.True(failed.Length == 0, string.Join("\n", failed) + "\n\n" + runs.Summary);
    }
}
