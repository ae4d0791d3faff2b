using System.Text.Json.Nodes;
using AgentOps.Core;
using AgentOps.Guardrails.Layers;

namespace AgentOps.Guardrails.Tests.Layers;

public sealed class AuditLayerTests
{
    private static readonly LayerDecision s_allow = new("L1.input", Verdict.Allow, "input.valid", "ok");
    private static readonly LayerDecision s_deny = new("L2.scope", Verdict.Deny, "scope.allow-list", "no");
    private static readonly LayerDecision s_pause = new("L3.approval", Verdict.Pause, "approval.critical-step", "wait");

    private readonly InMemoryAuditLog _log = new();

    [Fact]
    public async Task RecordAsync_AllowedCall_AppendsEntryAndReturnsItsSequence()
    {
        var sut = CreateSut();
        var arguments = new JsonObject { ["repo"] = TestPolicy.Repo };
        var context = TestPolicy.Context(arguments: arguments);

        var (decision, sequence) = await sut.RecordAsync(context, [s_allow]);

        Assert.Equal(1, sequence);
        Assert.Equal(new LayerDecision("L4.audit", Verdict.Allow, "audit.recorded", "audit record #1"), decision);
        var entry = Assert.Single(_log.Entries);
        Assert.Equal("run-1", entry.RunId);
        Assert.Equal("spiffe://agentops.local/agent/infra-provisioner", entry.Actor);
        Assert.Equal("git/files_write", entry.Action);
        Assert.Equal(AuditLayer.Digest(arguments.ToJsonString()), entry.ArgumentDigest);
        Assert.Equal(context.DelegationChain, entry.DelegationChain);
        Assert.Equal([s_allow], entry.Decisions);
        Assert.Equal("allowed", entry.Outcome);
    }

    [Theory]
    [InlineData(Verdict.Deny, "denied")]
    [InlineData(Verdict.Pause, "paused")]
    public async Task RecordAsync_BlockedCall_RecordsOutcomeOfFirstBlockingDecision(Verdict verdict, string outcome)
    {
        var sut = CreateSut();
        var blocking = verdict == Verdict.Deny ? s_deny : s_pause;

        await sut.RecordAsync(TestPolicy.Context(), [s_allow, blocking]);

        Assert.Equal(outcome, Assert.Single(_log.Entries).Outcome);
    }

    [Fact]
    public async Task RecordAsync_SecondRecord_ReturnsNextSequence()
    {
        var sut = CreateSut();
        await sut.RecordAsync(TestPolicy.Context(), [s_allow]);

        var (_, sequence) = await sut.RecordAsync(TestPolicy.Context(), [s_allow]);

        Assert.Equal(2, sequence);
    }

    [Fact]
    public async Task RecordAsync_AuditLogThrows_DeniesAuditUnavailable()
    {
        _log.FailWith = new IOException("disk full");
        var sut = CreateSut();

        var (decision, sequence) = await sut.RecordAsync(TestPolicy.Context(), [s_allow]);

        Assert.Null(sequence);
        Assert.Equal(Verdict.Deny, decision.Verdict);
        Assert.Equal("audit.unavailable", decision.Rule);
        Assert.Contains("disk full", decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RecordAsync_Cancelled_ThrowsInsteadOfDenying()
    {
        var sut = CreateSut();
        using var cancellation = new CancellationTokenSource();
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => sut.RecordAsync(TestPolicy.Context(), [s_allow], cancellation.Token));
    }

    [Theory]
    [InlineData("", "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")]
    [InlineData("abc", "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")]
    public void Digest_Text_IsPrefixedLowercaseSha256(string text, string expected)
    {
        Assert.Equal(expected, AuditLayer.Digest(text));
    }

    private AuditLayer CreateSut() => new(_log);
}
