using System.Text.Json.Nodes;
using AgentOps.Core;
using AgentOps.Guardrails.Approvals;
using AgentOps.Orchestration.Execution;

namespace AgentOps.Orchestration.Tests.Execution;

/// <summary>
/// L3 through the real executor, approver and SQLite stores: N of M, expiry, digest binding, CODEOWNERS ownership,
/// production and break-glass. Only the tool servers are faked.
/// </summary>
public sealed class RunApproverQuorumTests : IAsyncLifetime
{
    private const string Carol = "carol@example.com";
    private const string Dave = "dave@example.com";
    private ExecutorHarness _harness = null!;

    public async Task InitializeAsync() => _harness = await ExecutorHarness.CreateAsync();

    public Task DisposeAsync()
    {
        _harness.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task ApproveAsync_TwoOfThreeAndOneApproval_KeepsWaiting_SecondApprovalResumes()
    {
        var sut = CreateSut(TwoOfThree(), out var executor);
        await executor.ExecuteAsync(await _harness.CreateRunAsync(_harness.ThreeStepPlan(criticalLastStep: true)));

        var first = await sut.ApproveAsync("run-1", ExecutorHarness.Approver);
        var again = await sut.ApproveAsync("run-1", ExecutorHarness.Approver);

        Assert.Equal(RunStatus.AwaitingApproval, first.Status);
        Assert.Contains("1 of 2 approval(s)", first.Message, StringComparison.Ordinal);
        Assert.Equal(RunStatus.AwaitingApproval, again.Status);
        Assert.Equal(RunStatus.AwaitingApproval, (await _harness.StoredAsync()).Status);
        Assert.DoesNotContain("pull_request_get", _harness.Tools.CalledTools);
        Assert.Contains(("run/approve", "pending"), await _harness.AuditTrailAsync());

        var second = await sut.ApproveAsync("run-1", Carol);

        Assert.Equal(RunStatus.AwaitingReview, second.Status);
        Assert.Contains("pull_request_get", _harness.Tools.CalledTools);
        var approved = Assert.Single(await _harness.Audit.ReadAsync(), r => r.Action == "run/approve" && r.Outcome == "approved");
        Assert.Contains("bob@example.com, carol@example.com", approved.Decisions[0].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ApproveAsync_Requester_RefusedWithAReasonNamingThem()
    {
        var sut = CreateSut(TwoOfThree(), out var executor);
        await executor.ExecuteAsync(await _harness.CreateRunAsync(_harness.ThreeStepPlan(criticalLastStep: true)));

        var error = await Assert.ThrowsAsync<RunActionRefusedException>(() => sut.ApproveAsync("run-1", ExecutorHarness.Requester));

        Assert.Equal("approval.no-self-approval", error.Rule);
        Assert.Equal("'alice@example.com' requested this change and cannot approve it.", error.Message);
        Assert.Empty(await _harness.Approvals.ListAsync("run-1", (await _harness.StoredAsync()).PlanDigest!));
    }

    [Fact]
    public async Task ApproveAsync_SpiffeAgent_RefusedAndNotCounted()
    {
        var sut = CreateSut(TwoOfThree(), out var executor);
        await executor.ExecuteAsync(await _harness.CreateRunAsync(_harness.ThreeStepPlan(criticalLastStep: true)));

        var error = await Assert.ThrowsAsync<RunActionRefusedException>(() => sut.ApproveAsync("run-1", ExecutorHarness.StepAgentId));

        Assert.Equal("approval.no-agent", error.Rule);
        Assert.Empty(await _harness.Approvals.ListAsync("run-1", (await _harness.StoredAsync()).PlanDigest!));
        Assert.Contains(await _harness.Audit.ReadAsync(), r => r.Action == "run/approve" && r.Outcome == "refused" && r.Actor == ExecutorHarness.StepAgentId);
    }

    [Fact]
    public async Task ApproveAsync_FirstApprovalExpiredBeforeTheSecond_DoesNotCount()
    {
        var sut = CreateSut(TwoOfThree() with { ExpiresAfter = TimeSpan.FromHours(1) }, out var executor);
        await executor.ExecuteAsync(await _harness.CreateRunAsync(_harness.ThreeStepPlan(criticalLastStep: true)));
        await sut.ApproveAsync("run-1", ExecutorHarness.Approver);
        _harness.Time.Advance(TimeSpan.FromMinutes(61));

        var second = await sut.ApproveAsync("run-1", Carol);

        Assert.Equal(RunStatus.AwaitingApproval, second.Status);
        Assert.Contains("expired: bob@example.com", second.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("pull_request_get", _harness.Tools.CalledTools);

        var third = await sut.ApproveAsync("run-1", Dave);

        Assert.Equal(RunStatus.AwaitingReview, third.Status);
    }

    [Fact]
    public async Task ApproveAsync_PlanChangedAfterTheFirstApproval_EarlierApprovalIsVoid()
    {
        var sut = CreateSut(TwoOfThree(), out var executor);
        var plan = _harness.ThreeStepPlan(criticalLastStep: true);
        var paused = await executor.ExecuteAsync(await _harness.CreateRunAsync(plan));
        await sut.ApproveAsync("run-1", ExecutorHarness.Approver);
        var changed = plan with
        {
            Steps = [plan.Steps[0], plan.Steps[1], plan.Steps[2] with { Arguments = new JsonObject { ["repo"] = "platform-gitops", ["number"] = 1 } }],
        };
        await _harness.Runs.UpdateAsync(paused with { PlanJson = PlanJson.Serialize(changed), PlanDigest = PlanDigest.Compute(changed) });

        var second = await sut.ApproveAsync("run-1", Carol);

        Assert.NotEqual(PlanDigest.Compute(plan), PlanDigest.Compute(changed));
        Assert.Equal(RunStatus.AwaitingApproval, second.Status);
        Assert.Contains("1 of 2 approval(s) (carol@example.com)", second.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("pull_request_get", _harness.Tools.CalledTools);
    }

    [Fact]
    public async Task ApproveAsync_ApproverOwningOnlyAnEarlierCodeownersLine_RefusedAsNotOwner_LastMatchOwnerAccepted()
    {
        // '*' is bob's, but the later '/teams/payments/' line wins for the file the plan writes: only carol owns it.
        var teams = new Dictionary<string, IReadOnlyList<string>>(StringComparer.OrdinalIgnoreCase)
        {
            ["@acme/platform"] = [ExecutorHarness.Approver],
            ["@acme/payments"] = [Carol],
        };
        var policy = ApprovalPolicy.Default with { Owners = CodeOwners.Parse("* @acme/platform\n/teams/payments/ @acme/payments\n", "CODEOWNERS", teams) };
        var sut = CreateSut(policy, out var executor);
        await executor.ExecuteAsync(await _harness.CreateRunAsync(WritePlan("teams/payments/databases/orders-db/claim.yaml", critical: true)));

        var error = await Assert.ThrowsAsync<RunActionRefusedException>(() => sut.ApproveAsync("run-1", ExecutorHarness.Approver));

        Assert.Equal("approval.not-owner", error.Rule);
        Assert.Contains("@acme/payments", error.Message, StringComparison.Ordinal);
        Assert.Equal(RunStatus.AwaitingApproval, (await _harness.StoredAsync()).Status);

        var accepted = await sut.ApproveAsync("run-1", Carol);

        Assert.Equal(RunStatus.Completed, accepted.Status);
        Assert.Equal("pull_request_get", _harness.Tools.CalledTools.Last());
    }

    [Fact]
    public async Task ApproveAsync_RepositoryCodeownersAndAStranger_RefusedAsNotOwner()
    {
        var sut = CreateSut(_harness.ApprovalPolicy, out var executor);
        await executor.ExecuteAsync(await _harness.CreateRunAsync(WritePlan("teams/payments/databases/orders-db/claim.yaml", critical: true)));

        var error = await Assert.ThrowsAsync<RunActionRefusedException>(() => sut.ApproveAsync("run-1", "mallory@example.com"));
        var owner = await sut.ApproveAsync("run-1", ExecutorHarness.Approver);

        Assert.Equal("approval.not-owner", error.Rule);
        Assert.Equal(RunStatus.Completed, owner.Status);
    }

    [Fact]
    public async Task ExecuteAsync_NonCriticalStepWritingProduction_PausesEvenThoughPolicyWouldLetThePullRequestGate()
    {
        var sut = CreateSut(_harness.ApprovalPolicy, out var executor);

        var paused = await executor.ExecuteAsync(await _harness.CreateRunAsync(WritePlan("clusters/production/orders-db.yaml", critical: false)));

        Assert.Equal(RunStatus.AwaitingApproval, paused.Status);
        Assert.Equal(["branch_create"], _harness.Tools.CalledTools);
        Assert.Contains(RunState.FromJson(paused.StepResultsJson).Decisions, d => d is { StepId: "write", Rule: "approval.production" });

        // The repository policy wants two production approvers, and only the owners of clusters/production/ (@acme/sre).
        var bob = await Assert.ThrowsAsync<RunActionRefusedException>(() => sut.ApproveAsync("run-1", ExecutorHarness.Approver));
        var one = await sut.ApproveAsync("run-1", Carol);
        var two = await sut.ApproveAsync("run-1", Dave);

        Assert.Equal("approval.not-owner", bob.Rule);
        Assert.Equal(RunStatus.AwaitingApproval, one.Status);
        Assert.Equal(RunStatus.Completed, two.Status);
        Assert.Contains("files_write", _harness.Tools.CalledTools);
    }

    [Fact]
    public async Task ExecuteAsync_SameWriteOutsideProduction_DoesNotPause()
    {
        _ = CreateSut(_harness.ApprovalPolicy, out var executor);

        var result = await executor.ExecuteAsync(await _harness.CreateRunAsync(WritePlan("clusters/staging/orders-db.yaml", critical: false)));

        Assert.Equal(RunStatus.Completed, result.Status);
    }

    [Fact]
    public async Task BreakGlassAsync_OneApprover_RefusedToProceed_TwoProceedAndAuditLoudly()
    {
        // Production and owned by @acme/sre: bob owns nothing here, yet two humans breaking the glass let it through.
        var sut = CreateSut(_harness.ApprovalPolicy, out var executor);
        await executor.ExecuteAsync(await _harness.CreateRunAsync(WritePlan("clusters/production/orders-db.yaml", critical: false)));

        var one = await sut.BreakGlassAsync("run-1", ExecutorHarness.Approver, "INC-4711 database down, restore now");

        Assert.Equal(RunStatus.AwaitingApproval, one.Status);
        Assert.Equal(RunStatus.AwaitingApproval, (await _harness.StoredAsync()).Status);
        Assert.DoesNotContain("files_write", _harness.Tools.CalledTools);
        Assert.Contains(("run/break-glass", "pending"), await _harness.AuditTrailAsync());

        var two = await sut.BreakGlassAsync("run-1", Carol, "INC-4711 database down, restore now");

        Assert.Equal(RunStatus.Completed, two.Status);
        Assert.Contains("files_write", _harness.Tools.CalledTools);
        var loud = Assert.Single(await _harness.Audit.ReadAsync(), r => r.Action == RunApprover.BreakGlassAction && r.Outcome == "break-glass");
        Assert.Equal(Carol, loud.Actor);
        Assert.Equal("approval.break-glass", loud.Decisions[0].Rule);
        Assert.Contains("BREAK-GLASS by bob@example.com and carol@example.com: INC-4711 database down, restore now", loud.Decisions[0].Reason, StringComparison.Ordinal);
        Assert.Contains(RunState.FromJson(two.StepResultsJson).Decisions, d => d is { StepId: "write", Rule: "approval.break-glass" } && d.Reason.Contains("bob@example.com", StringComparison.Ordinal));
        Assert.True((await _harness.Audit.VerifyAsync()).Intact);
    }

    [Theory]
    [InlineData(ExecutorHarness.Approver, "  ", "approval.break-glass-reason")]
    [InlineData(ExecutorHarness.Requester, "outage", "approval.no-self-approval")]
    [InlineData(ExecutorHarness.StepAgentId, "outage", "approval.no-agent")]
    public async Task BreakGlassAsync_NoReasonOrRequesterOrAgent_Refused(string approver, string reason, string rule)
    {
        var sut = CreateSut(_harness.ApprovalPolicy, out var executor);
        await executor.ExecuteAsync(await _harness.CreateRunAsync(_harness.ThreeStepPlan(criticalLastStep: true)));

        var error = await Assert.ThrowsAsync<RunActionRefusedException>(() => sut.BreakGlassAsync("run-1", approver, reason));

        Assert.Equal(rule, error.Rule);
        Assert.Contains(await _harness.Audit.ReadAsync(), r => r.Action == RunApprover.BreakGlassAction && r.Outcome == "refused" && r.Decisions[0].Rule == rule);
    }

    private static ApprovalPolicy TwoOfThree() => ApprovalPolicy.Default with { RequiredApprovals = 2 };

    private RunApprover CreateSut(ApprovalPolicy policy, out PlanExecutor executor)
    {
        executor = _harness.CreateExecutor(policy);
        return new RunApprover(_harness.Runs, _harness.Approvals, _harness.Audit, executor, policy, _harness.Time);
    }

    // A branch, a file written to <paramref name="path"/>, and a read-back (critical when asked).
    private Plan WritePlan(string path, bool critical)
    {
        _harness.ScriptDefaults();
        return ExecutorHarness.Plan(
            new PlanStep("branch", "git", "branch_create",
                new JsonObject { ["repo"] = ExecutorHarness.Repo, ["branch"] = "agentops/orders-db", ["base"] = "main" },
                ExecutorHarness.WriteScope, "create the branch",
                Compensation: new Compensation("branch_delete", new JsonObject { ["repo"] = ExecutorHarness.Repo, ["branch"] = "${steps.branch.branch}" }, ExecutorHarness.WriteScope)),
            new PlanStep("write", "git", "files_write",
                new JsonObject
                {
                    ["repo"] = ExecutorHarness.Repo,
                    ["branch"] = "${steps.branch.branch}",
                    ["files"] = new JsonArray(new JsonObject { ["path"] = path, ["content"] = "kind: Claim\n" }),
                },
                ExecutorHarness.WriteScope, "write the claim"),
            new PlanStep("check", "git", "pull_request_get",
                new JsonObject { ["repo"] = ExecutorHarness.Repo, ["number"] = 7 },
                ExecutorHarness.WriteScope, "read back", Critical: critical));
    }
}
