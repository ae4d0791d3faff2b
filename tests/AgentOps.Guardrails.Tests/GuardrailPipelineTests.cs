using System.Text.Json.Nodes;
using AgentOps.Core;
using AgentOps.Guardrails.Approvals;
using AgentOps.Guardrails.Layers;
using Microsoft.Extensions.Time.Testing;

namespace AgentOps.Guardrails.Tests;

public sealed class GuardrailPipelineTests
{
    private readonly InMemoryAuditLog _log = new();
    private readonly InMemoryApprovalStore _approvals = new();
    private readonly RollbackJournal _journal = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 6, 2, 9, 30, 0, TimeSpan.Zero));

    [Fact]
    public async Task EvaluateAsync_AllLayersAllow_RunsL1L2L3L5ThenL4()
    {
        var sut = CreateSut();

        var verdict = await sut.EvaluateAsync(TestPolicy.Context(step: TestPolicy.Step(compensation: TestPolicy.BranchDelete())));

        Assert.Equal(["L1.input", "L2.scope", "L3.approval", "L5.rollback", "L4.audit"], verdict.Decisions.Select(d => d.Layer));
        Assert.All(verdict.Decisions, d => Assert.Equal(Verdict.Allow, d.Verdict));
        Assert.Equal(Verdict.Allow, verdict.Verdict);
        Assert.Null(verdict.Blocking);
        Assert.Equal(1, verdict.AuditSequence);
        Assert.Single(_journal.Pending("run-1"));
    }

    [Fact]
    public async Task EvaluateAsync_L1Denies_StopsLaterLayersButStillAudits()
    {
        var sut = CreateSut();
        var arguments = new JsonObject { ["repo"] = TestPolicy.Repo, ["content"] = "AKIA4QX7RM2KT9BW3NPZ" };

        var verdict = await sut.EvaluateAsync(TestPolicy.Context(arguments: arguments, step: TestPolicy.Step(compensation: TestPolicy.BranchDelete())));

        Assert.Equal([("L1.input", Verdict.Deny), ("L4.audit", Verdict.Allow)], verdict.Decisions.Select(d => (d.Layer, d.Verdict)));
        Assert.Equal(Verdict.Deny, verdict.Verdict);
        Assert.Equal("secrets.aws-access-key", verdict.Blocking?.Rule);
        Assert.Empty(_journal.Pending("run-1"));
        var entry = Assert.Single(_log.Entries);
        Assert.Equal("denied", entry.Outcome);
        Assert.Equal(["L1.input"], entry.Decisions.Select(d => d.Layer));
    }

    [Fact]
    public async Task EvaluateAsync_L2Denies_DoesNotRegisterCompensation()
    {
        var sut = CreateSut();

        var verdict = await sut.EvaluateAsync(TestPolicy.Context(step: TestPolicy.Step(tool: "pull_request_merge", compensation: TestPolicy.BranchDelete())));

        Assert.Equal(["L1.input", "L2.scope", "L4.audit"], verdict.Decisions.Select(d => d.Layer));
        Assert.Equal("scope.allow-list", verdict.Blocking?.Rule);
        Assert.Empty(_journal.Pending("run-1"));
        Assert.Equal("denied", Assert.Single(_log.Entries).Outcome);
    }

    [Fact]
    public async Task EvaluateAsync_L3Pauses_StopsBeforeRollbackAndRecordsPaused()
    {
        var sut = CreateSut();

        var verdict = await sut.EvaluateAsync(TestPolicy.Context(step: TestPolicy.Step(critical: true, compensation: TestPolicy.BranchDelete())));

        Assert.Equal(["L1.input", "L2.scope", "L3.approval", "L4.audit"], verdict.Decisions.Select(d => d.Layer));
        Assert.Equal(Verdict.Pause, verdict.Verdict);
        Assert.Equal("approval.critical-step", verdict.Blocking?.Rule);
        Assert.Empty(_journal.Pending("run-1"));
        Assert.Equal("paused", Assert.Single(_log.Entries).Outcome);
    }

    [Fact]
    public async Task EvaluateAsync_DryRun_WritesNoAuditRecord()
    {
        var sut = CreateSut();

        var verdict = await sut.EvaluateAsync(TestPolicy.Context(step: TestPolicy.Step(compensation: TestPolicy.BranchDelete()), dryRun: true));

        Assert.Equal(["L1.input", "L2.scope", "L3.approval", "L5.rollback"], verdict.Decisions.Select(d => d.Layer));
        Assert.Null(verdict.AuditSequence);
        Assert.Empty(_log.Entries);
        Assert.Empty(_journal.Pending("run-1"));
    }

    [Fact]
    public async Task EvaluateAsync_DryRunDenied_WritesNoAuditRecord()
    {
        var sut = CreateSut();

        var verdict = await sut.EvaluateAsync(TestPolicy.Context(useSchema: false, dryRun: true));

        Assert.Equal(["L1.input"], verdict.Decisions.Select(d => d.Layer));
        Assert.Equal("input.schema-unknown", verdict.Blocking?.Rule);
        Assert.Empty(_log.Entries);
    }

    [Fact]
    public async Task EvaluateAsync_AuditLogDown_DeniesEvenThoughEveryOtherLayerAllows()
    {
        _log.FailWith = new InvalidOperationException("database is locked");
        var sut = CreateSut();

        var verdict = await sut.EvaluateAsync(TestPolicy.Context());

        Assert.Equal(Verdict.Deny, verdict.Verdict);
        Assert.Equal(("L4.audit", "audit.unavailable"), (verdict.Blocking?.Layer, verdict.Blocking?.Rule));
        Assert.Null(verdict.AuditSequence);
    }

    private GuardrailPipeline CreateSut()
    {
        var screen = new TextScreen(TestPolicy.Policy);
        return new GuardrailPipeline(
            new InputValidationLayer(TestPolicy.Policy, screen),
            new ActionScopeLayer(TestPolicy.Policy.Limits, new AgentRateLimiter(_time)),
            new ApprovalGateLayer(_approvals, ApprovalPolicy.Default, _time),
            new RollbackLayer(_journal),
            new AuditLayer(_log));
    }
}
