using AgentOps.Core;
using AgentOps.Guardrails.Approvals;
using AgentOps.Guardrails.Layers;
using Microsoft.Extensions.Time.Testing;

namespace AgentOps.Guardrails.Tests.Layers;

public sealed class ApprovalGateLayerTests
{
    private readonly InMemoryApprovalStore _approvals = new();

    [Fact]
    public async Task EvaluateAsync_NonCriticalReadOnlyCall_AllowsReadOnly()
    {
        var sut = CreateSut();

        var decision = await sut.EvaluateAsync(TestPolicy.Context(step: TestPolicy.Step(tool: "file_read"), readOnly: true));

        Assert.Equal(Verdict.Allow, decision.Verdict);
        Assert.Equal("approval.read-only", decision.Rule);
        Assert.Equal("L3.approval", decision.Layer);
    }

    [Fact]
    public async Task EvaluateAsync_NonCriticalWrite_AllowsThroughPullRequest()
    {
        var sut = CreateSut();

        var decision = await sut.EvaluateAsync(TestPolicy.Context());

        Assert.Equal(Verdict.Allow, decision.Verdict);
        Assert.Equal("approval.pull-request", decision.Rule);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task EvaluateAsync_CriticalStepWithoutApproval_Pauses(bool readOnly)
    {
        var sut = CreateSut();

        var decision = await sut.EvaluateAsync(TestPolicy.Context(step: TestPolicy.Step(id: "apply", critical: true), readOnly: readOnly));

        Assert.Equal(Verdict.Pause, decision.Verdict);
        Assert.Equal("approval.critical-step", decision.Rule);
        Assert.Contains("agentops approve run-1", decision.Reason, StringComparison.Ordinal);
        Assert.Contains("'apply'", decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EvaluateAsync_CriticalStepApprovedForSameDigest_AllowsGranted()
    {
        var sut = CreateSut();
        await _approvals.GrantAsync(new RunApproval("run-1", "sha256:plan-a", "bob@example.com", DateTimeOffset.UnixEpoch));

        var decision = await sut.EvaluateAsync(TestPolicy.Context(step: TestPolicy.Step(critical: true), planDigest: "sha256:plan-a"));

        Assert.Equal(Verdict.Allow, decision.Verdict);
        Assert.Equal("approval.granted", decision.Rule);
        Assert.Contains("bob@example.com", decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EvaluateAsync_ApprovalForDifferentDigest_StillPauses()
    {
        var sut = CreateSut();
        await _approvals.GrantAsync(new RunApproval("run-1", "sha256:plan-a", "bob@example.com", DateTimeOffset.UnixEpoch));

        var decision = await sut.EvaluateAsync(TestPolicy.Context(step: TestPolicy.Step(critical: true), planDigest: "sha256:plan-b"));

        Assert.Equal(Verdict.Pause, decision.Verdict);
        Assert.Equal("approval.critical-step", decision.Rule);
    }

    [Fact]
    public async Task EvaluateAsync_ApprovalForDifferentRun_StillPauses()
    {
        var sut = CreateSut();
        await _approvals.GrantAsync(new RunApproval("run-2", "sha256:plan-a", "bob@example.com", DateTimeOffset.UnixEpoch));

        var decision = await sut.EvaluateAsync(TestPolicy.Context(step: TestPolicy.Step(critical: true), runId: "run-1", planDigest: "sha256:plan-a"));

        Assert.Equal(Verdict.Pause, decision.Verdict);
    }

    // Approvals in these tests are granted at the epoch; an hour later they are well within the default 24 hours.
    private ApprovalGateLayer CreateSut() => new(_approvals, ApprovalPolicy.Default, new FakeTimeProvider(DateTimeOffset.UnixEpoch.AddHours(1)));
}
