using System.Text.Json;
using System.Text.Json.Nodes;
using AgentOps.Core;
using AgentOps.Orchestration.Execution;

namespace AgentOps.Orchestration.Tests.Execution;

public sealed class PlanExecutorTests : IAsyncLifetime
{
    private ExecutorHarness _harness = null!;

    public async Task InitializeAsync() => _harness = await ExecutorHarness.CreateAsync();

    public Task DisposeAsync()
    {
        _harness.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task ExecuteAsync_AllStepsSucceed_CallsEachInOrderAndAwaitsReview()
    {
        var sut = _harness.Executor;
        var run = await _harness.CreateRunAsync(_harness.ThreeStepPlan());

        var result = await sut.ExecuteAsync(run);

        Assert.Equal(["branch_create", "pull_request_open", "pull_request_get"], _harness.Tools.CalledTools);
        Assert.All(_harness.Tools.Calls, c => Assert.Equal("git", c.Server));
        Assert.Equal(RunStatus.AwaitingReview, result.Status);
        Assert.Equal("7", result.PullRequestId);
        Assert.Equal(3, result.NextStep);
        Assert.Equal("pull request #7 is open and waits for review", result.Message);
        Assert.Equal(result, await _harness.StoredAsync());
    }

    [Fact]
    public async Task ExecuteAsync_EveryCall_CarriesATokenScopedToExactlyThatStep()
    {
        var sut = _harness.Executor;
        var run = await _harness.CreateRunAsync(_harness.ThreeStepPlan());

        await sut.ExecuteAsync(run);

        Assert.Equal(3, _harness.Tools.Calls.Count);
        Assert.Equal(3, _harness.Tools.Calls.Select(c => c.Credential).Distinct().Count());
        foreach (var call in _harness.Tools.Calls)
        {
            Assert.Equal(3, call.Credential.Split('.').Length);
            var verification = _harness.Verify(call.Credential);
            Assert.True(verification.IsValid, verification.Error);
            var credential = verification.Credential!;
            Assert.Equal(ExecutorHarness.WriteScope, credential.Scope.ToString());
            Assert.Equal(ExecutorHarness.StepAgentId, credential.Subject);
            Assert.Equal(ExecutorHarness.Requester, credential.OriginalRequester);
            Assert.Equal([ExecutorHarness.Requester, ExecutorHarness.PlannerId], credential.Chain.Select(l => l.Subject));
            Assert.Equal("run-1", credential.ContextId);
        }
    }

    [Fact]
    public async Task ExecuteAsync_TokenForGitServer_IsRefusedByAnotherServer()
    {
        var sut = _harness.Executor;
        await sut.ExecuteAsync(await _harness.CreateRunAsync(_harness.ThreeStepPlan()));

        var verification = _harness.Verify(_harness.Tools.Calls[0].Credential, server: "crossplane");

        Assert.False(verification.IsValid);
    }

    [Fact]
    public async Task ExecuteAsync_References_AreResolvedFromEarlierResultsWithTheirJsonType()
    {
        var sut = _harness.Executor;
        var plan = _harness.ThreeStepPlan();
        var run = await _harness.CreateRunAsync(plan);

        await sut.ExecuteAsync(run);

        var open = _harness.Tools.Calls[1].Arguments;
        Assert.Equal("agentops/orders-db", open["branch"]!.GetValue<string>());
        var body = open["body"]!.GetValue<string>();
        Assert.Contains($"Plan digest: `{PlanDigest.Compute(plan)}`", body, StringComparison.Ordinal);
        Assert.Contains("| branch | L2.scope | allow | `scope.within` |", body, StringComparison.Ordinal);
        var number = _harness.Tools.Calls[2].Arguments["number"]!;
        Assert.Equal(JsonValueKind.Number, number.GetValueKind());
        Assert.Equal(7, number.GetValue<int>());
    }

    [Fact]
    public async Task ExecuteAsync_AllStepsSucceed_LeavesAnIntactAuditTrailOfDecisionsAndCalls()
    {
        var sut = _harness.Executor;
        var run = await _harness.CreateRunAsync(_harness.ThreeStepPlan());

        var result = await sut.ExecuteAsync(run);

        var verification = await _harness.Audit.VerifyAsync();
        Assert.True(verification.Intact, verification.Problem);
        Assert.Equal(
            [
                ("git/branch_create", "allowed"), ("git/branch_create", "succeeded"),
                ("git/pull_request_open", "allowed"), ("git/pull_request_open", "succeeded"),
                ("git/pull_request_get", "allowed"), ("git/pull_request_get", "succeeded"),
            ],
            await _harness.AuditTrailAsync());
        var state = RunState.FromJson(result.StepResultsJson);
        Assert.Equal((1L, 6L), (state.FirstAuditSequence, state.LastAuditSequence));
        Assert.Equal(["branch", "pr"], state.Registered);
        Assert.All(await _harness.Audit.ReadAsync(), r => Assert.Equal("run-1", r.RunId));
    }

    [Fact]
    public async Task ExecuteAsync_LastStepFails_RunsCompensationsNewestFirstWithResolvedArguments()
    {
        var sut = _harness.Executor;
        var run = await _harness.CreateRunAsync(_harness.ThreeStepPlan());
        _harness.Tools.Fail("pull_request_get", "forge unavailable");

        var result = await sut.ExecuteAsync(run);

        Assert.Equal(["branch_create", "pull_request_open", "pull_request_get", "pull_request_close", "branch_delete"], _harness.Tools.CalledTools);
        var close = _harness.Tools.Calls[3];
        Assert.Equal(7, close.Arguments["number"]!.GetValue<int>());
        Assert.Equal(ExecutorHarness.Repo, close.Arguments["repo"]!.GetValue<string>());
        var delete = _harness.Tools.Calls[4];
        Assert.Equal("agentops/orders-db", delete.Arguments["branch"]!.GetValue<string>());
        Assert.All(_harness.Tools.Calls.Skip(3), c => Assert.Equal(ExecutorHarness.WriteScope, _harness.Verify(c.Credential).Credential?.Scope.ToString()));
        Assert.Equal(RunStatus.RolledBack, result.Status);
        Assert.Contains("forge unavailable", result.Message, StringComparison.Ordinal);
        Assert.Contains("Rolled back: pr, branch.", result.Message, StringComparison.Ordinal);
        Assert.Equal(["pr", "branch"], RunState.FromJson(result.StepResultsJson).Compensated);
        Assert.Equal(result, await _harness.StoredAsync());
    }

    [Fact]
    public async Task ExecuteAsync_LastStepFails_AuditRecordsTheFailureAndEveryCompensation()
    {
        var sut = _harness.Executor;
        var run = await _harness.CreateRunAsync(_harness.ThreeStepPlan());
        _harness.Tools.Fail("pull_request_get", "forge unavailable");

        await sut.ExecuteAsync(run);

        var trail = await _harness.AuditTrailAsync();
        Assert.Equal(
            [
                ("git/pull_request_get", "failed"),
                ("git/pull_request_close", "allowed"), ("git/pull_request_close", "succeeded"),
                ("git/branch_delete", "allowed"), ("git/branch_delete", "succeeded"),
            ],
            trail.Skip(5));
        Assert.True((await _harness.Audit.VerifyAsync()).Intact);
    }

    [Fact]
    public async Task ExecuteAsync_StepFailsBeforeProducingWhatItsUndoNeeds_SkipsThatCompensationOnly()
    {
        var sut = _harness.Executor;
        var run = await _harness.CreateRunAsync(_harness.ThreeStepPlan());
        _harness.Tools.Fail("pull_request_open", "branch not pushed");

        var result = await sut.ExecuteAsync(run);

        Assert.Equal(["branch_create", "pull_request_open", "branch_delete"], _harness.Tools.CalledTools);
        Assert.Equal(RunStatus.RolledBack, result.Status);
        Assert.Equal(1, result.NextStep);
        Assert.Contains(("git/pull_request_close", "compensation-skipped"), await _harness.AuditTrailAsync());
        Assert.Equal(["branch"], RunState.FromJson(result.StepResultsJson).Compensated);
    }

    [Fact]
    public async Task ExecuteAsync_CompensationFails_EndsFailedWithRollbackIncomplete()
    {
        var sut = _harness.Executor;
        var run = await _harness.CreateRunAsync(_harness.ThreeStepPlan());
        _harness.Tools.Fail("pull_request_get", "forge unavailable");
        _harness.Tools.Fail("pull_request_close", "cannot close");

        var result = await sut.ExecuteAsync(run);

        Assert.Equal(["branch_create", "pull_request_open", "pull_request_get", "pull_request_close", "branch_delete"], _harness.Tools.CalledTools);
        Assert.Equal(RunStatus.Failed, result.Status);
        Assert.Contains("Rollback incomplete", result.Message, StringComparison.Ordinal);
        Assert.Contains("cannot close", result.Message, StringComparison.Ordinal);
        Assert.Equal(["branch"], RunState.FromJson(result.StepResultsJson).Compensated);
    }

    [Fact]
    public async Task ExecuteAsync_CriticalStepWithoutApproval_PausesBeforeCallingIt()
    {
        var sut = _harness.Executor;
        var run = await _harness.CreateRunAsync(_harness.ThreeStepPlan(criticalLastStep: true));

        var result = await sut.ExecuteAsync(run);

        Assert.Equal(RunStatus.AwaitingApproval, result.Status);
        Assert.Equal(2, result.NextStep);
        Assert.Equal(["branch_create", "pull_request_open"], _harness.Tools.CalledTools);
        Assert.Contains("agentops approve run-1", result.Message, StringComparison.Ordinal);
        Assert.Contains(("git/pull_request_get", "paused"), await _harness.AuditTrailAsync());
        Assert.Equal(result, await _harness.StoredAsync());
    }

    [Fact]
    public async Task ExecuteAsync_ApprovedForTheSameDigest_ResumesAtThePausedStepAndCompletes()
    {
        var sut = _harness.Executor;
        var plan = _harness.ThreeStepPlan(criticalLastStep: true);
        var paused = await sut.ExecuteAsync(await _harness.CreateRunAsync(plan));
        await _harness.Approvals.GrantAsync(new RunApproval("run-1", PlanDigest.Compute(plan), ExecutorHarness.Approver, _harness.Time.GetUtcNow()));

        var result = await sut.ExecuteAsync(paused);

        Assert.Equal(["branch_create", "pull_request_open", "pull_request_get"], _harness.Tools.CalledTools);
        Assert.Equal(7, _harness.Tools.Calls[2].Arguments["number"]!.GetValue<int>());
        Assert.Equal(RunStatus.AwaitingReview, result.Status);
        Assert.Contains(
            RunState.FromJson(result.StepResultsJson).Decisions,
            d => d is { StepId: "check", Layer: "L3.approval", Verdict: Verdict.Allow, Rule: "approval.granted" });
    }

    [Fact]
    public async Task ExecuteAsync_ApprovedForADifferentDigest_StaysPaused()
    {
        var sut = _harness.Executor;
        var paused = await sut.ExecuteAsync(await _harness.CreateRunAsync(_harness.ThreeStepPlan(criticalLastStep: true)));
        await _harness.Approvals.GrantAsync(new RunApproval("run-1", "sha256:some-other-plan", ExecutorHarness.Approver, _harness.Time.GetUtcNow()));

        var result = await sut.ExecuteAsync(paused);

        Assert.Equal(RunStatus.AwaitingApproval, result.Status);
        Assert.Equal(2, result.NextStep);
        Assert.Equal(["branch_create", "pull_request_open"], _harness.Tools.CalledTools);
    }

    [Fact]
    public async Task ExecuteAsync_PlanChangedAfterApproval_DoesNotRunTheChangedStep()
    {
        var sut = _harness.Executor;
        var plan = _harness.ThreeStepPlan(criticalLastStep: true);
        var paused = await sut.ExecuteAsync(await _harness.CreateRunAsync(plan));
        await _harness.Approvals.GrantAsync(new RunApproval("run-1", PlanDigest.Compute(plan), ExecutorHarness.Approver, _harness.Time.GetUtcNow()));
        var critical = plan.Steps[2];
        var changed = plan with
        {
            Steps = [plan.Steps[0], plan.Steps[1], critical with { Arguments = new JsonObject { ["repo"] = "platform-gitops", ["number"] = 1 } }],
        };
        await _harness.Runs.UpdateAsync(paused with { PlanJson = PlanJson.Serialize(changed) });

        var result = await sut.ExecuteAsync(await _harness.StoredAsync());

        Assert.Equal(2, _harness.Tools.Calls.Count);
        Assert.NotEqual(RunStatus.AwaitingReview, result.Status);
    }

    [Fact]
    public async Task ExecuteAsync_ResumedInANewProcessAndThenFails_CompensatesStepsFromBeforeThePause()
    {
        var plan = _harness.ThreeStepPlan(criticalLastStep: true);
        await _harness.Executor.ExecuteAsync(await _harness.CreateRunAsync(plan));
        await _harness.Approvals.GrantAsync(new RunApproval("run-1", PlanDigest.Compute(plan), ExecutorHarness.Approver, _harness.Time.GetUtcNow()));
        _harness.Tools.Fail("pull_request_get", "forge unavailable");
        var sut = _harness.CreateExecutor();

        var result = await sut.ExecuteAsync(await _harness.StoredAsync());

        Assert.Equal(["branch_create", "pull_request_open", "pull_request_get", "pull_request_close", "branch_delete"], _harness.Tools.CalledTools);
        Assert.Equal(7, _harness.Tools.Calls[3].Arguments["number"]!.GetValue<int>());
        Assert.Equal(RunStatus.RolledBack, result.Status);
    }

    [Fact]
    public async Task ExecuteAsync_ToolNotOnAgentAllowList_IsDeniedByL2AndNeverCalled()
    {
        var sut = _harness.Executor;
        _harness.ScriptDefaults();
        var plan = ExecutorHarness.Plan(
            new PlanStep("branch", "git", "branch_create",
                new JsonObject { ["repo"] = ExecutorHarness.Repo, ["branch"] = "agentops/orders-db" }, ExecutorHarness.WriteScope, "create the branch",
                Compensation: new Compensation("branch_delete", new JsonObject { ["repo"] = ExecutorHarness.Repo, ["branch"] = "${steps.branch.branch}" }, ExecutorHarness.WriteScope)),
            new PlanStep("merge", "git", "pull_request_merge",
                new JsonObject { ["repo"] = ExecutorHarness.Repo, ["number"] = 1 }, ExecutorHarness.WriteScope, "merge it myself"));
        var run = await _harness.CreateRunAsync(plan);

        var result = await sut.ExecuteAsync(run);

        Assert.DoesNotContain("pull_request_merge", _harness.Tools.CalledTools);
        Assert.Equal(["branch_create", "branch_delete"], _harness.Tools.CalledTools);
        Assert.Equal(RunStatus.RolledBack, result.Status);
        Assert.Contains("denied by L2.scope (scope.allow-list)", result.Message, StringComparison.Ordinal);
        Assert.Contains(
            RunState.FromJson(result.StepResultsJson).Decisions,
            d => d is { StepId: "merge", Layer: "L2.scope", Verdict: Verdict.Deny, Rule: "scope.allow-list" });
        Assert.Contains(("git/pull_request_merge", "denied"), await _harness.AuditTrailAsync());
    }

    [Fact]
    public async Task ExecuteAsync_StepScopeBeyondThePlannersCeiling_RefusesTheWholeRunBeforeAnyCall()
    {
        var sut = _harness.Executor;
        var plan = ExecutorHarness.Plan(
            new PlanStep("pods", "k8s", "pods_delete", new JsonObject { ["namespace"] = "payments" }, "k8s:write:ns/payments", "delete pods"));
        var run = await _harness.CreateRunAsync(plan);

        var result = await sut.ExecuteAsync(run);

        Assert.Equal(RunStatus.Refused, result.Status);
        Assert.StartsWith("delegation refused:", result.Message, StringComparison.Ordinal);
        Assert.Contains("k8s:write:ns/payments", result.Message, StringComparison.Ordinal);
        Assert.Empty(_harness.Tools.Calls);
        Assert.Empty(await _harness.Audit.ReadAsync());
    }

    [Fact]
    public async Task ExecuteAsync_UnresolvableReference_FailsTheStepAndRollsBack()
    {
        var sut = _harness.Executor;
        _harness.ScriptDefaults();
        var plan = ExecutorHarness.Plan(
            new PlanStep("branch", "git", "branch_create",
                new JsonObject { ["repo"] = ExecutorHarness.Repo, ["branch"] = "agentops/orders-db" }, ExecutorHarness.WriteScope, "create the branch",
                Compensation: new Compensation("branch_delete", new JsonObject { ["repo"] = ExecutorHarness.Repo, ["branch"] = "${steps.branch.branch}" }, ExecutorHarness.WriteScope)),
            new PlanStep("pr", "git", "pull_request_open",
                new JsonObject { ["repo"] = ExecutorHarness.Repo, ["branch"] = "${steps.branch.missing}" }, ExecutorHarness.WriteScope, "open"));
        var run = await _harness.CreateRunAsync(plan);

        var result = await sut.ExecuteAsync(run);

        Assert.Equal(["branch_create", "branch_delete"], _harness.Tools.CalledTools);
        Assert.Equal(RunStatus.RolledBack, result.Status);
        Assert.Contains("Cannot resolve '${steps.branch.missing}'", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExecuteAsync_PlanWithoutPullRequest_EndsCompleted()
    {
        var sut = _harness.Executor;
        var plan = ExecutorHarness.Plan(
            new PlanStep("read", "git", "file_read", new JsonObject { ["repo"] = ExecutorHarness.Repo, ["branch"] = "agentops/orders-db", ["path"] = "README.md" },
                "git:file_read:repo/platform-gitops/branch/agentops/orders-db", "read the readme"));
        var run = await _harness.CreateRunAsync(plan);

        var result = await sut.ExecuteAsync(run);

        Assert.Equal(RunStatus.Completed, result.Status);
        Assert.Null(result.PullRequestId);
        Assert.Equal("all steps completed", result.Message);
        Assert.Equal("git:file_read:repo/platform-gitops/branch/agentops/orders-db", _harness.Verify(Assert.Single(_harness.Tools.Calls).Credential).Credential?.Scope.ToString());
    }

    [Fact]
    public async Task ExecuteAsync_RunWithoutPlan_Throws()
    {
        var sut = _harness.Executor;
        var run = await _harness.CreateRunAsync(_harness.ThreeStepPlan()) with { PlanJson = null };

        await Assert.ThrowsAsync<InvalidOperationException>(() => sut.ExecuteAsync(run));
    }

    [Fact]
    public async Task PreviewAsync_Plan_JudgesEveryStepWithoutCallingMintingOrAuditing()
    {
        var sut = _harness.Executor;
        var plan = _harness.ThreeStepPlan();
        var run = await _harness.CreateRunAsync(plan);

        var decisions = await sut.PreviewAsync(run, plan);

        Assert.Equal(
            ["branch", "branch", "branch", "branch", "pr", "pr", "pr", "pr", "check", "check", "check", "check"],
            decisions.Select(d => d.StepId));
        Assert.All(decisions, d => Assert.Equal(Verdict.Allow, d.Verdict));
        Assert.Empty(_harness.Tools.Calls);
        Assert.Empty(await _harness.Audit.ReadAsync());
        Assert.Equal(RunStatus.Planned, (await _harness.StoredAsync()).Status);
    }

    [Fact]
    public async Task PreviewAsync_StepNotOnAllowList_ReportsTheDenial()
    {
        var sut = _harness.Executor;
        var plan = ExecutorHarness.Plan(
            new PlanStep("merge", "git", "pull_request_merge", new JsonObject { ["repo"] = ExecutorHarness.Repo }, ExecutorHarness.WriteScope, "merge"));
        var run = await _harness.CreateRunAsync(plan);

        var decisions = await sut.PreviewAsync(run, plan);

        var denied = Assert.Single(decisions, d => d.Verdict == Verdict.Deny);
        Assert.Equal(("merge", "L2.scope", "scope.allow-list"), (denied.StepId, denied.Layer, denied.Rule));
    }

    [Fact]
    public async Task RollBackAsync_PausedRunRejected_UndoesWhatRanNewestFirst()
    {
        var sut = _harness.Executor;
        var paused = await sut.ExecuteAsync(await _harness.CreateRunAsync(_harness.ThreeStepPlan(criticalLastStep: true)));

        var result = await sut.RollBackAsync(paused, "rejected by bob");

        Assert.Equal(["branch_create", "pull_request_open", "pull_request_close", "branch_delete"], _harness.Tools.CalledTools);
        Assert.Equal(RunStatus.RolledBack, result.Status);
        Assert.StartsWith("rejected by bob", result.Message, StringComparison.Ordinal);
        Assert.Equal(result, await _harness.StoredAsync());
    }

    [Theory]
    [InlineData(RunStatus.Completed)]
    [InlineData(RunStatus.RolledBack)]
    [InlineData(RunStatus.Refused)]
    [InlineData(RunStatus.Planned)]
    public async Task RollBackAsync_RunThatCannotBeRolledBack_Throws(RunStatus status)
    {
        var sut = _harness.Executor;
        var run = await _harness.CreateRunAsync(_harness.ThreeStepPlan()) with { Status = status };

        await Assert.ThrowsAsync<InvalidOperationException>(() => sut.RollBackAsync(run, "no"));

        Assert.Empty(_harness.Tools.Calls);
    }

    [Fact]
    public async Task RollBackAsync_AlreadyCompensatedSteps_AreNotUndoneTwice()
    {
        var sut = _harness.Executor;
        var run = await _harness.CreateRunAsync(_harness.ThreeStepPlan());
        _harness.Tools.Fail("pull_request_get", "forge unavailable");
        _harness.Tools.Fail("branch_delete", "forge unavailable");
        var failed = await sut.ExecuteAsync(run);
        _harness.Tools.Succeed("branch_delete", new JsonObject { ["deleted"] = true });

        var result = await sut.RollBackAsync(failed, "retry rollback");

        Assert.Equal(RunStatus.Failed, failed.Status);
        Assert.Equal(["pull_request_close", "branch_delete", "branch_delete"], _harness.Tools.CalledTools.Skip(3));
        Assert.Equal(RunStatus.RolledBack, result.Status);
    }

    [Fact]
    public async Task RollBackAsync_ProcessDiedDuringTheFirstCall_StillFindsThatStepsCompensation()
    {
        _harness.ScriptDefaults();
        var plan = ExecutorHarness.Plan(
            new PlanStep("branch", "git", "branch_create",
                new JsonObject { ["repo"] = ExecutorHarness.Repo, ["branch"] = "agentops/orders-db" }, ExecutorHarness.WriteScope, "create the branch",
                Compensation: new Compensation("branch_delete", new JsonObject { ["repo"] = ExecutorHarness.Repo, ["branch"] = "agentops/orders-db" }, ExecutorHarness.WriteScope)));
        var run = await _harness.CreateRunAsync(plan);
        _harness.Tools.Crash("branch_create");
        await Assert.ThrowsAsync<IOException>(() => _harness.Executor.ExecuteAsync(run));
        var crashed = await _harness.StoredAsync();
        var sut = _harness.CreateExecutor();

        var result = await sut.RollBackAsync(crashed, "recovering after a crash");

        Assert.Equal(RunStatus.Running, crashed.Status);
        Assert.Equal(["branch_create", "branch_delete"], _harness.Tools.CalledTools);
        Assert.Equal("agentops/orders-db", _harness.Tools.Calls[1].Arguments["branch"]!.GetValue<string>());
        Assert.Equal(RunStatus.RolledBack, result.Status);
    }
}
