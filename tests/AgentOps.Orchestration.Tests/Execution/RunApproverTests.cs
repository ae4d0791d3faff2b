using AgentOps.Core;
using AgentOps.Orchestration.Execution;

namespace AgentOps.Orchestration.Tests.Execution;

public sealed class RunApproverTests : IAsyncLifetime
{
    private ExecutorHarness _harness = null!;

    public async Task InitializeAsync() => _harness = await ExecutorHarness.CreateAsync();

    public Task DisposeAsync()
    {
        _harness.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task ApproveAsync_AnotherHumanOnAPausedRun_GrantsAuditsAndResumes()
    {
        var sut = CreateSut();
        var plan = _harness.ThreeStepPlan(criticalLastStep: true);
        await _harness.Executor.ExecuteAsync(await _harness.CreateRunAsync(plan));

        var result = await sut.ApproveAsync("run-1", ExecutorHarness.Approver);

        Assert.Equal(RunStatus.AwaitingReview, result.Status);
        Assert.Equal(["branch_create", "pull_request_open", "pull_request_get"], _harness.Tools.CalledTools);
        var approval = await _harness.Approvals.FindAsync("run-1", PlanDigest.Compute(plan));
        Assert.Equal(ExecutorHarness.Approver, approval?.Approver);
        var record = Assert.Single(await _harness.Audit.ReadAsync(), r => r.Action == "run/approve");
        Assert.Equal((ExecutorHarness.Approver, "approved"), (record.Actor, record.Outcome));
        Assert.True((await _harness.Audit.VerifyAsync()).Intact);
    }

    [Fact]
    public async Task ApproveAsync_TwoApproversAtOnce_OnlyOneResumesTheRun()
    {
        var plan = _harness.ThreeStepPlan(criticalLastStep: true);
        await _harness.Executor.ExecuteAsync(await _harness.CreateRunAsync(plan));

        var attempts = new[] { ExecutorHarness.Approver, "carol@example.com" }
            .Select(approver => Task.Run(async () =>
            {
                try
                {
                    return (await CreateSut().ApproveAsync("run-1", approver)).Status.ToString();
                }
                catch (RunActionRefusedException ex)
                {
                    return ex.Rule;
                }
            }))
            .ToArray();
        var outcomes = await Task.WhenAll(attempts);

        Assert.Equal(["AwaitingReview", "approval.not-waiting"], outcomes.Order(StringComparer.Ordinal));
        Assert.Single(_harness.Tools.CalledTools, t => t == "pull_request_get");
    }

    [Theory]
    [InlineData(ExecutorHarness.Requester, "approval.no-self-approval")]
    [InlineData("ALICE@EXAMPLE.COM", "approval.no-self-approval")]
    [InlineData(ExecutorHarness.StepAgentId, "approval.no-agent")]
    [InlineData("agent:approver-bot", "approval.no-agent")]
    public async Task ApproveAsync_RequesterOrAgent_RefusesAndGrantsNothing(string approver, string rule)
    {
        var sut = CreateSut();
        var plan = _harness.ThreeStepPlan(criticalLastStep: true);
        await _harness.Executor.ExecuteAsync(await _harness.CreateRunAsync(plan));

        var error = await Assert.ThrowsAsync<RunActionRefusedException>(() => sut.ApproveAsync("run-1", approver));

        Assert.Equal(rule, error.Rule);
        Assert.Null(await _harness.Approvals.FindAsync("run-1", PlanDigest.Compute(plan)));
        Assert.Equal(RunStatus.AwaitingApproval, (await _harness.StoredAsync()).Status);
        Assert.Equal(2, _harness.Tools.Calls.Count);
    }

    [Fact]
    public async Task ApproveAsync_RunNotWaiting_RefusesNotWaiting()
    {
        var sut = CreateSut();
        await _harness.Executor.ExecuteAsync(await _harness.CreateRunAsync(_harness.ThreeStepPlan()));

        var error = await Assert.ThrowsAsync<RunActionRefusedException>(() => sut.ApproveAsync("run-1", ExecutorHarness.Approver));

        Assert.Equal("approval.not-waiting", error.Rule);
        Assert.Contains("AwaitingReview", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ApproveAsync_UnknownRun_RefusesRunUnknown()
    {
        var sut = CreateSut();

        var error = await Assert.ThrowsAsync<RunActionRefusedException>(() => sut.ApproveAsync("run-404", ExecutorHarness.Approver));

        Assert.Equal("runs.not-found", error.Rule);
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    public async Task ApproveAsync_BlankApprover_ThrowsArgumentException(string approver)
    {
        var sut = CreateSut();

        await Assert.ThrowsAnyAsync<ArgumentException>(() => sut.ApproveAsync("run-1", approver));
    }

    [Fact]
    public async Task ApproveAsync_RequesterWithTrailingWhitespace_RefusesSelfApproval()
    {
        var sut = CreateSut();
        await _harness.Executor.ExecuteAsync(await _harness.CreateRunAsync(_harness.ThreeStepPlan(criticalLastStep: true)));

        var error = await Assert.ThrowsAsync<RunActionRefusedException>(() => sut.ApproveAsync("run-1", ExecutorHarness.Requester + " "));

        Assert.Equal("approval.no-self-approval", error.Rule);
    }

    private RunApprover CreateSut() => new(_harness.Runs, _harness.Approvals, _harness.Audit, _harness.Executor, _harness.ApprovalPolicy, _harness.Time);
}
