using AgentOps.Core;

namespace AgentOps.Planning.Kernel.Tests;

/// <summary>The runbook planner answers whenever the model cannot, and says so.</summary>
public sealed class FallbackPlannerTests
{
    [Fact]
    public async Task PlanAsync_NoModelConfigured_RunbookPlansWithANotice()
    {
        var sut = new FallbackPlanner(null, KernelPlannerHarness.Runbook);

        var outcome = await sut.PlanAsync(KernelPlannerHarness.Goal());

        Assert.IsType<PlanningOutcome.Planned>(outcome);
        Assert.Equal("runbook", outcome.Planner);
        Assert.Contains("No model is configured", Assert.Single(outcome.Notices), StringComparison.Ordinal);
        Assert.Null(outcome.Usage);
    }

    [Fact]
    public async Task PlanAsync_EndpointFailingAfterRetries_RunbookPlansTheSamePlanWithANotice()
    {
        using var endpoint = FakeChatCompletions.Serve("plan-server-errors.json");
        var sut = new FallbackPlanner(KernelPlannerHarness.Create(KernelPlannerHarness.Options(endpoint.BaseUrl)), KernelPlannerHarness.Runbook);

        var outcome = await sut.PlanAsync(KernelPlannerHarness.Goal());

        var plan = Assert.IsType<PlanningOutcome.Planned>(outcome).Plan;
        var runbook = Assert.IsType<PlanningOutcome.Planned>(await KernelPlannerHarness.Runbook.PlanAsync(KernelPlannerHarness.Goal())).Plan;
        Assert.Equal(PlanDigest.Compute(runbook), PlanDigest.Compute(plan));
        Assert.Equal("runbook", outcome.Planner);
        var notice = Assert.Single(outcome.Notices);
        Assert.Contains("HTTP 500", notice, StringComparison.Ordinal);
        Assert.Contains("the offline runbook planner did", notice, StringComparison.Ordinal);
        Assert.Equal(3, endpoint.Requests.Count);
    }

    [Fact]
    public async Task PlanAsync_ModelAnswerUnusable_FallsBackAndStillAccountsForTheCalls()
    {
        using var endpoint = FakeChatCompletions.Serve("plan-malformed-twice.json");
        var sut = new FallbackPlanner(KernelPlannerHarness.Create(KernelPlannerHarness.Options(endpoint.BaseUrl)), KernelPlannerHarness.Runbook);

        var outcome = await sut.PlanAsync(KernelPlannerHarness.Goal());

        Assert.IsType<PlanningOutcome.Planned>(outcome);
        Assert.Equal((2, 1843L + 1901), (outcome.Usage!.Calls, outcome.Usage.InputTokens));
        Assert.Contains("not a usable plan", Assert.Single(outcome.Notices), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PlanAsync_EndpointNotListening_FallsBackAfterRetries()
    {
        var closed = KernelPlannerHarness.Options(new Uri("http://127.0.0.1:9/v1"));
        var sut = new FallbackPlanner(KernelPlannerHarness.Create(closed), KernelPlannerHarness.Runbook);

        var outcome = await sut.PlanAsync(KernelPlannerHarness.Goal());

        Assert.IsType<PlanningOutcome.Planned>(outcome);
        Assert.Contains("connection failed", Assert.Single(outcome.Notices), StringComparison.Ordinal);
    }
}
