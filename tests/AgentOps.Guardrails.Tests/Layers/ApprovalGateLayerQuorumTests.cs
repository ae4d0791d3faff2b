using System.Text.Json.Nodes;
using AgentOps.Core;
using AgentOps.Guardrails.Approvals;
using AgentOps.Guardrails.Layers;
using Microsoft.Extensions.Time.Testing;

namespace AgentOps.Guardrails.Tests.Layers;

/// <summary>The gate's side of L3: N of M, expiry, identity, production and break-glass, judged from the stored approvals.</summary>
public sealed class ApprovalGateLayerQuorumTests
{
    private const string Digest = "sha256:plan-a";
    private static readonly DateTimeOffset s_now = new(2025, 6, 2, 12, 0, 0, TimeSpan.Zero);
    private readonly InMemoryApprovalStore _approvals = new();
    private readonly FakeTimeProvider _time = new(s_now);

    [Fact]
    public async Task EvaluateAsync_TwoOfThreeWithOneApproval_PausesSayingOneOfTwo()
    {
        var sut = CreateSut(Policy(required: 2));
        await Grant("bob@example.com");

        var decision = await sut.EvaluateAsync(CriticalContext());

        Assert.Equal(Verdict.Pause, decision.Verdict);
        Assert.Contains("1 of 2 approval(s)", decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EvaluateAsync_TwoOfThreeWithTwoApprovals_Allows()
    {
        var sut = CreateSut(Policy(required: 2));
        await Grant("bob@example.com");
        await Grant("carol@example.com");

        var decision = await sut.EvaluateAsync(CriticalContext());

        Assert.Equal((Verdict.Allow, "approval.granted"), (decision.Verdict, decision.Rule));
        Assert.Contains("bob@example.com, carol@example.com", decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EvaluateAsync_SameApproverTwiceInAnotherSpelling_CountsOnce()
    {
        var sut = CreateSut(Policy(required: 2));
        await Grant("bob@example.com");
        await Grant("BOB@example.com");

        var decision = await sut.EvaluateAsync(CriticalContext());

        Assert.Equal(Verdict.Pause, decision.Verdict);
    }

    [Theory]
    [InlineData("alice@example.com")]
    [InlineData("spiffe://agentops.local/agent/infra-provisioner")]
    public async Task EvaluateAsync_ApprovalStoredForRequesterOrAgent_DoesNotCount(string approver)
    {
        var sut = CreateSut(Policy(required: 1));
        await Grant(approver);

        var decision = await sut.EvaluateAsync(CriticalContext());

        Assert.Equal(Verdict.Pause, decision.Verdict);
    }

    [Fact]
    public async Task EvaluateAsync_ApprovalOlderThanExpiry_IsIgnored()
    {
        var sut = CreateSut(Policy(required: 1, expires: TimeSpan.FromHours(1)));
        await Grant("bob@example.com", s_now.AddMinutes(-61));

        var decision = await sut.EvaluateAsync(CriticalContext());

        Assert.Equal(Verdict.Pause, decision.Verdict);
        Assert.Contains("expired: bob@example.com", decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EvaluateAsync_ApprovalJustWithinExpiry_Counts()
    {
        var sut = CreateSut(Policy(required: 1, expires: TimeSpan.FromHours(1)));
        await Grant("bob@example.com", s_now.AddMinutes(-59));

        var decision = await sut.EvaluateAsync(CriticalContext());

        Assert.Equal(Verdict.Allow, decision.Verdict);
    }

    [Theory]
    [InlineData("namespace", "production")]
    [InlineData("environment", "prod")]
    public async Task EvaluateAsync_NonCriticalWriteNamingProduction_PausesForProduction(string key, string value)
    {
        var sut = CreateSut(Policy(required: 1));
        var step = TestPolicy.Step() with { Arguments = new JsonObject { ["repo"] = TestPolicy.Repo, [key] = value } };

        var decision = await sut.EvaluateAsync(TestPolicy.Context(step: step, planDigest: Digest));

        Assert.Equal((Verdict.Pause, "approval.production"), (decision.Verdict, decision.Rule));
        Assert.Contains($"'{value}' is production", decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EvaluateAsync_ProductionPathWithOneApprovalWhereProductionNeedsTwo_Pauses()
    {
        var sut = CreateSut(Policy(required: 1));
        await Grant("bob@example.com");
        var step = TestPolicy.Step() with
        {
            Arguments = new JsonObject { ["files"] = new JsonArray(new JsonObject { ["path"] = "clusters/production/db.yaml", ["content"] = "x" }) },
        };

        var decision = await sut.EvaluateAsync(TestPolicy.Context(step: step, planDigest: Digest));

        Assert.Equal((Verdict.Pause, "approval.production"), (decision.Verdict, decision.Rule));
        Assert.Contains("1 of 2", decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EvaluateAsync_NonProductionWrite_StillAllowedThroughPullRequest()
    {
        var sut = CreateSut(Policy(required: 1));
        var step = TestPolicy.Step() with { Arguments = new JsonObject { ["namespace"] = "payments" } };

        var decision = await sut.EvaluateAsync(TestPolicy.Context(step: step, planDigest: Digest));

        Assert.Equal((Verdict.Allow, "approval.pull-request"), (decision.Verdict, decision.Rule));
    }

    [Fact]
    public async Task EvaluateAsync_OneBreakGlass_Pauses_TwoBreakGlass_AllowsNamingBothAndTheReason()
    {
        var sut = CreateSut(Policy(required: 3));
        await _approvals.GrantAsync(new RunApproval("run-1", Digest, "bob@example.com", s_now, BreakGlass: true, Reason: "outage INC-42"));

        var one = await sut.EvaluateAsync(CriticalContext());
        await _approvals.GrantAsync(new RunApproval("run-1", Digest, "carol@example.com", s_now, BreakGlass: true, Reason: "outage INC-42"));
        var two = await sut.EvaluateAsync(CriticalContext());

        Assert.Equal(Verdict.Pause, one.Verdict);
        Assert.Equal((Verdict.Allow, "approval.break-glass"), (two.Verdict, two.Rule));
        Assert.Contains("BREAK-GLASS by bob@example.com and carol@example.com: outage INC-42", two.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EvaluateAsync_OwnedPathWithoutAnOwnersApproval_Pauses()
    {
        var owners = CodeOwners.Parse("* @acme/platform\n/teams/payments/ @acme/payments\n", "CODEOWNERS",
            new Dictionary<string, IReadOnlyList<string>>(StringComparer.OrdinalIgnoreCase) { ["@acme/platform"] = ["bob@example.com"], ["@acme/payments"] = ["carol@example.com"] });
        var sut = CreateSut(Policy(required: 1) with { Owners = owners });
        await Grant("bob@example.com");
        var step = TestPolicy.Step(critical: true) with
        {
            Arguments = new JsonObject { ["files"] = new JsonArray(new JsonObject { ["path"] = "teams/payments/db.yaml" }) },
        };

        var decision = await sut.EvaluateAsync(TestPolicy.Context(step: step, planDigest: Digest));

        Assert.Equal(Verdict.Pause, decision.Verdict);
        Assert.Contains("no owner has approved teams/payments/db.yaml", decision.Reason, StringComparison.Ordinal);
    }

    private static ApprovalPolicy Policy(int required, TimeSpan? expires = null) => new(
        required, expires ?? TimeSpan.FromHours(24), new ProductionRule(["production", "prod"], ["clusters/production/**"], 2), 2, CodeOwners.Empty);

    private ApprovalGateLayer CreateSut(ApprovalPolicy policy) => new(_approvals, policy, _time);

    private static GuardrailContext CriticalContext() => TestPolicy.Context(step: TestPolicy.Step(critical: true), planDigest: Digest);

    private Task Grant(string approver, DateTimeOffset? at = null) =>
        _approvals.GrantAsync(new RunApproval("run-1", Digest, approver, at ?? s_now));
}
