using System.Text.Json.Nodes;
using AgentOps.Core;
using AgentOps.Orchestration.Execution;

namespace AgentOps.Orchestration.Tests.Execution;

/// <summary>
/// L5 on demand (<c>agentops rollback</c>). An unmerged run runs its compensations; a merged run cannot be undone by
/// deleting branches, so its compensation is a revert pull request made by a new run through the same guarded steps.
/// </summary>
public sealed class RunRollbackTests : IAsyncLifetime
{
    private const string MergeCommit = "4f2a9c1e7b3d5a8f0c6e2b9d1a7f3c5e8b0d2a4f";
    private const string RevertBranch = "agentops/revert/run-1";
    private ExecutorHarness _harness = null!;

    public async Task InitializeAsync() => _harness = await ExecutorHarness.CreateAsync();

    public Task DisposeAsync()
    {
        _harness.Dispose();
        return Task.CompletedTask;
    }

    private RunRollback CreateSut() => new(_harness.Runs, _harness.PullRequests, _harness.Audit, _harness.Executor, _harness.Time);

    [Fact]
    public async Task RollBackAsync_MergedPullRequest_OpensARevertPullRequestThroughGuardedGitSteps()
    {
        var original = await MergedRunAsync();
        ScriptRevertTools();

        var result = await CreateSut().RollBackAsync(original.Id, ExecutorHarness.Approver, force: false);

        Assert.True(result.Succeeded);
        var revert = Assert.IsType<RunRecord>(result.Revert);
        Assert.Equal(RunStatus.AwaitingReview, revert.Status);
        Assert.Equal("8", revert.PullRequestId);
        Assert.Equal(ExecutorHarness.Approver, revert.Requester);
        Assert.Equal(RevertPlan.Skill, revert.Skill);
        Assert.Equal(["branch_create", "revert", "push", "pull_request_open"], _harness.Tools.CalledTools);
        var revertCall = _harness.Tools.Calls[1];
        Assert.Equal(MergeCommit, revertCall.Arguments["sha"]!.GetValue<string>());
        Assert.Equal(RevertBranch, revertCall.Arguments["branch"]!.GetValue<string>());
        Assert.Equal("main", _harness.Tools.Calls[0].Arguments["base"]!.GetValue<string>());
        // Each call carries a token for exactly its own step on the revert branch: the merged branch and main are out of reach.
        Assert.Equal(
            new[] { "branch_create", "revert", "push", "pull_request_open" }.Select(t => $"git:{t}:repo/{ExecutorHarness.Repo}/branch/{RevertBranch}"),
            _harness.Tools.Calls.Select(c => _harness.Verify(c.Credential).Credential?.Scope.ToString()));
        var open = _harness.Tools.Calls[3].Arguments;
        Assert.Equal("Revert #1: Add orders-db", open["title"]!.GetValue<string>());
        Assert.Contains($"Run: `{revert.Id}`", open["body"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("reverted_run | `run-1`", open["body"]!.GetValue<string>(), StringComparison.Ordinal);

        var stored = await _harness.StoredAsync(original.Id);
        Assert.Equal(RunStatus.Completed, stored.Status);
        Assert.Contains($"revert pull request #8 opened by run {revert.Id}", stored.Message, StringComparison.Ordinal);
        var trail = await _harness.Audit.ReadAsync();
        var asked = Assert.Single(trail, r => r.RunId == original.Id && r.Action == "run/rollback");
        Assert.Equal(("allowed", "runs.rollback.revert", ExecutorHarness.Approver), (asked.Outcome, asked.Decisions[0].Rule, asked.Actor));
        Assert.Equal(["rollback/request", "git/branch_create", "git/branch_create", "git/revert", "git/revert", "git/push", "git/push", "git/pull_request_open", "git/pull_request_open"],
            trail.Where(r => r.RunId == revert.Id).Select(r => r.Action));
        Assert.True((await _harness.Audit.VerifyAsync()).Intact);
    }

    [Fact]
    public async Task RollBackAsync_MergedRunWhoseRevertIsAlreadyOpen_IsRefusedNamingThatRun()
    {
        var original = await MergedRunAsync();
        ScriptRevertTools();
        var sut = CreateSut();
        var first = await sut.RollBackAsync(original.Id, ExecutorHarness.Approver, force: false);

        var refused = await Assert.ThrowsAsync<RunActionRefusedException>(() => sut.RollBackAsync(original.Id, ExecutorHarness.Approver, force: false));

        Assert.Equal("runs.rollback.revert-exists", refused.Rule);
        Assert.Contains(first.Revert!.Id, refused.Message, StringComparison.Ordinal);
        Assert.Equal(4, _harness.Tools.Calls.Count);
    }

    [Fact]
    public async Task RollBackAsync_RevertFailsAtPush_UndoesTheRevertBranchNewestFirstAndReportsFailure()
    {
        var original = await MergedRunAsync();
        ScriptRevertTools();
        _harness.Tools.Fail("push", "the forge refused refs/heads/agentops/revert/run-1");

        var result = await CreateSut().RollBackAsync(original.Id, ExecutorHarness.Approver, force: false);

        Assert.False(result.Succeeded);
        Assert.Equal(RunStatus.RolledBack, result.Revert!.Status);
        // The push registered its undo (delete the remote branch) before it ran, so both deletions run, newest first.
        Assert.Equal(["branch_create", "revert", "push", "branch_delete", "branch_delete"], _harness.Tools.CalledTools);
        Assert.True(_harness.Tools.Calls[3].Arguments["remote"]!.GetValue<bool>());
        Assert.Null(_harness.Tools.Calls[4].Arguments["remote"]);
        Assert.Contains("revert run", (await _harness.StoredAsync(original.Id)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RollBackAsync_MergedRunAskedByAnAgent_IsRefusedAndNothingIsCalled()
    {
        var original = await MergedRunAsync();

        var refused = await Assert.ThrowsAsync<RunActionRefusedException>(() => CreateSut().RollBackAsync(original.Id, ExecutorHarness.StepAgentId, force: false));

        Assert.Equal("runs.rollback.no-agent", refused.Rule);
        Assert.Empty(_harness.Tools.Calls);
    }

    [Fact]
    public async Task RollBackAsync_CompletedRunWithoutMergedPullRequest_IsRefused()
    {
        var run = await _harness.CreateRunAsync(_harness.ThreeStepPlan());
        await _harness.Runs.UpdateAsync(run with { Status = RunStatus.Completed });

        var refused = await Assert.ThrowsAsync<RunActionRefusedException>(() => CreateSut().RollBackAsync(run.Id, ExecutorHarness.Approver, force: false));

        Assert.Equal("runs.rollback.state", refused.Rule);
        Assert.Empty(_harness.Tools.Calls);
    }

    private async Task<RunRecord> MergedRunAsync()
    {
        var run = await _harness.CreateRunAsync(_harness.ThreeStepPlan());
        var now = _harness.Time.GetUtcNow();
        var pr = await _harness.PullRequests.CreateAsync(new PullRequestRecord(0, ExecutorHarness.Repo, "agentops/orders-db", "main", "Add orders-db",
            "body", ExecutorHarness.StepAgentId, ExecutorHarness.Requester, PullRequestState.Open, run.Id, now, now));
        await _harness.PullRequests.UpdateAsync(pr with { State = PullRequestState.Merged, MergedBy = "carol@example.com", MergeCommit = MergeCommit });
        run = run with { Status = RunStatus.Completed, PullRequestId = pr.Number.ToString(System.Globalization.CultureInfo.InvariantCulture), Message = $"pull request #{pr.Number} merged" };
        await _harness.Runs.UpdateAsync(run);
        _harness.Tools.Calls.Clear();
        return run;
    }

    private void ScriptRevertTools()
    {
        _harness.Tools.Succeed("branch_create", new JsonObject { ["branch"] = RevertBranch, ["sha"] = "0a1b2c" });
        _harness.Tools.Succeed("revert", new JsonObject { ["reverted"] = MergeCommit, ["sha"] = "9d8e7f" });
        _harness.Tools.Succeed("push", new JsonObject { ["branch"] = RevertBranch, ["sha"] = "9d8e7f" });
        _harness.Tools.Succeed("pull_request_open", new JsonObject { ["number"] = 8, ["url"] = "forge://platform-gitops/pulls/8" });
    }
}
