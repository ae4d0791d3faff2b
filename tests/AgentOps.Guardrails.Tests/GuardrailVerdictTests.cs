using AgentOps.Core;

namespace AgentOps.Guardrails.Tests;

public sealed class GuardrailVerdictTests
{
    private static readonly LayerDecision s_allow = new("L1.input", Verdict.Allow, "input.valid", "ok");
    private static readonly LayerDecision s_pause = new("L3.approval", Verdict.Pause, "approval.critical-step", "wait");
    private static readonly LayerDecision s_deny = new("L4.audit", Verdict.Deny, "audit.unavailable", "down");

    [Fact]
    public void Verdict_AllAllow_IsAllowWithNoBlocking()
    {
        var sut = new GuardrailVerdict([s_allow, s_allow], 3);

        Assert.Equal(Verdict.Allow, sut.Verdict);
        Assert.Null(sut.Blocking);
    }

    [Fact]
    public void Verdict_PauseBeforeDeny_IsTheFirstNonAllow()
    {
        var sut = new GuardrailVerdict([s_allow, s_pause, s_deny], null);

        Assert.Equal(Verdict.Pause, sut.Verdict);
        Assert.Same(s_pause, sut.Blocking);
    }

    [Fact]
    public void Verdict_NoDecisions_IsAllow()
    {
        var sut = new GuardrailVerdict([], null);

        Assert.Equal(Verdict.Allow, sut.Verdict);
    }
}
