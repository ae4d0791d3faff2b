using AgentOps.Core;
using AgentOps.Guardrails.Layers;

namespace AgentOps.Guardrails.Tests.Layers;

public sealed class RollbackLayerTests
{
    private readonly RollbackJournal _journal = new();

    [Fact]
    public async Task EvaluateAsync_StepWithCompensation_RegistersItBeforeTheCall()
    {
        var sut = CreateSut();
        var compensation = TestPolicy.BranchDelete();

        var decision = await sut.EvaluateAsync(TestPolicy.Context(step: TestPolicy.Step(id: "branch", tool: "branch_create", compensation: compensation)));

        Assert.Equal(new LayerDecision("L5.rollback", Verdict.Allow, "rollback.registered", decision.Reason), decision);
        Assert.Contains("git/branch_delete", decision.Reason, StringComparison.Ordinal);
        var pending = Assert.Single(_journal.Pending("run-1"));
        Assert.Equal("branch", pending.StepId);
        Assert.Same(compensation, pending.Compensation);
    }

    [Fact]
    public async Task EvaluateAsync_SeveralSteps_PendingListsThemNewestFirst()
    {
        var sut = CreateSut();

        foreach (var id in new[] { "branch", "write", "pr" })
        {
            await sut.EvaluateAsync(TestPolicy.Context(step: TestPolicy.Step(id: id, compensation: TestPolicy.BranchDelete())));
        }

        Assert.Equal(["pr", "write", "branch"], _journal.Pending("run-1").Select(p => p.StepId));
    }

    [Fact]
    public async Task EvaluateAsync_DryRun_RegistersNothing()
    {
        var sut = CreateSut();

        var decision = await sut.EvaluateAsync(TestPolicy.Context(step: TestPolicy.Step(compensation: TestPolicy.BranchDelete()), dryRun: true));

        Assert.Equal("rollback.registered", decision.Rule);
        Assert.Empty(_journal.Pending("run-1"));
    }

    [Theory]
    [InlineData(true, "read-only call; nothing to undo")]
    [InlineData(false, "changes stay inside the branch workspace; an earlier step's compensation removes them")]
    public async Task EvaluateAsync_StepWithoutCompensation_AllowsNotNeeded(bool readOnly, string reason)
    {
        var sut = CreateSut();

        var decision = await sut.EvaluateAsync(TestPolicy.Context(readOnly: readOnly));

        Assert.Equal(new LayerDecision("L5.rollback", Verdict.Allow, "rollback.not-needed", reason), decision);
        Assert.Empty(_journal.Pending("run-1"));
    }

    private RollbackLayer CreateSut() => new(_journal);
}
