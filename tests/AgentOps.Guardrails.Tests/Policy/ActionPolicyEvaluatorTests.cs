using System.Text.Json.Nodes;
using AgentOps.Core;
using AgentOps.Guardrails.Policy;
using Microsoft.Extensions.Time.Testing;

namespace AgentOps.Guardrails.Tests.Policy;

/// <summary>Every L2 rule kind allows inside its limit and denies outside it, naming the rule and the line that decided.</summary>
public sealed class ActionPolicyEvaluatorTests : IDisposable
{
    // Wednesday 4 June 2025, 10:00 in Berlin (UTC+2): inside the weekday change window, outside the freeze.
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 6, 4, 8, 0, 0, TimeSpan.Zero));
    private readonly ScopePolicyFiles _files = new(ScopePolicyFiles.Strict);

    public void Dispose() => _files.Dispose();

    [Fact]
    public void Evaluate_ToolOnThePolicyList_AllowsAndOffItDeniesAgentTools()
    {
        var sut = CreateSut();

        var inside = sut.Evaluate(Scale(), ScopePolicyFiles.Scaler(), spend: true);
        var outside = sut.Evaluate(Scale() with { Tool = "deployment_restart" }, ScopePolicyFiles.Scaler(), spend: true);

        Assert.Equal((Verdict.Allow, "scope.within"), (inside.Verdict, inside.Rule));
        Assert.Equal((Verdict.Deny, "policy.agent-tools"), (outside.Verdict, outside.Rule));
        Assert.Equal(_files.Source("  scaler:"), outside.Source);
        Assert.Contains("k8s/deployment_restart", outside.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_VerbNotOnThePolicyList_DeniesAgentVerbsThoughTheSpecCeilingCoversIt()
    {
        var sut = CreateSut();

        var decision = sut.Evaluate(Scale() with { Scope = "k8s:restart:ns/payments" }, ScopePolicyFiles.Scaler(), spend: true);

        Assert.Equal((Verdict.Deny, "policy.agent-verbs"), (decision.Verdict, decision.Rule));
        Assert.Contains("k8s:restart", decision.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("payments", "scope.within", "")]
    [InlineData("team-orders", "scope.within", "")]
    [InlineData("team-secret", "policy.namespace-denied", "  denied:")]
    [InlineData("kube-system", "policy.namespace-not-allowed", "  allowed:")]
    public void Evaluate_WriteStepNamespace_AllowedOnlyInsideTheNamespaceRule(string ns, string rule, string line)
    {
        var sut = CreateSut();

        var decision = sut.Evaluate(Scale(ns: ns), ScopePolicyFiles.Scaler(), spend: true);

        Assert.Equal(rule, decision.Rule);
        if (line.Length > 0)
        {
            Assert.Equal(Verdict.Deny, decision.Verdict);
            Assert.Equal(_files.Source(line), decision.Source);
        }
    }

    [Fact]
    public void Evaluate_ReadInADeniedNamespace_Allows()
    {
        var sut = CreateSut();

        var decision = sut.Evaluate(Scale(ns: "kube-system") with { Tool = "pods_list", Scope = "k8s:read:ns/kube-system", ReadOnly = true }, ScopePolicyFiles.Scaler(), spend: true);

        Assert.Equal("scope.within", decision.Rule);
    }

    [Theory]
    [InlineData("replicas", "5", "6", "policy.limits.replicas", "maxReplicas:")]
    [InlineData("size", "medium", "large", "policy.limits.size", "maxSize:")]
    [InlineData("storage", "100Gi", "101Gi", "policy.limits.storage", "maxStorage:")]
    [InlineData("monthlyCost", "300", "300.01", "policy.limits.cost", "monthlyCostCeiling:")]
    public void Evaluate_ResourceLimit_AllowsAtTheLimitAndDeniesPastIt(string field, string atLimit, string pastLimit, string rule, string line)
    {
        var sut = CreateSut();

        var inside = sut.Evaluate(WithArgument(field, atLimit), ScopePolicyFiles.Scaler(), spend: true);
        var outside = sut.Evaluate(WithArgument(field, pastLimit), ScopePolicyFiles.Scaler(), spend: true);

        Assert.Equal("scope.within", inside.Rule);
        Assert.Equal((Verdict.Deny, rule), (outside.Verdict, outside.Rule));
        Assert.Equal(_files.Source(line), outside.Source);
    }

    [Fact]
    public void Evaluate_WriteStepDuringAFreeze_DeniesFreezeAndAllowsOnceItEnds()
    {
        var sut = CreateSut();
        // Tuesday 23 December 2025, 10:00 in Berlin (UTC+1): in the weekday window, in the year-end freeze.
        _time.SetUtcNow(new DateTimeOffset(2025, 12, 23, 9, 0, 0, TimeSpan.Zero));

        var frozen = sut.Evaluate(Scale(), ScopePolicyFiles.Scaler(), spend: true);
        var read = sut.Evaluate(Scale() with { Tool = "pods_list", Scope = "k8s:read:ns/payments", ReadOnly = true }, ScopePolicyFiles.Scaler(), spend: true);
        // Monday 5 January 2026, 10:00 in Berlin: the freeze ended at midnight local time.
        _time.SetUtcNow(new DateTimeOffset(2026, 1, 5, 9, 0, 0, TimeSpan.Zero));
        var after = sut.Evaluate(Scale(), ScopePolicyFiles.Scaler(), spend: true);

        Assert.Equal((Verdict.Deny, "policy.freeze"), (frozen.Verdict, frozen.Rule));
        Assert.Equal(_files.Source("- id: year-end"), frozen.Source);
        Assert.Contains("year-end change freeze", frozen.Reason, StringComparison.Ordinal);
        Assert.Equal("scope.within", read.Rule);
        Assert.Equal("scope.within", after.Rule);
    }

    [Fact]
    public void Evaluate_FreezeEndsAtLocalMidnight_StillFrozenOneMinuteBefore()
    {
        var sut = CreateSut();
        // 4 January 2026 is a Sunday, so use the window-free read of the freeze: 23:59 Berlin is 22:59Z.
        _time.SetUtcNow(new DateTimeOffset(2026, 1, 4, 22, 59, 0, TimeSpan.Zero));

        var decision = sut.Evaluate(Scale(), ScopePolicyFiles.Scaler(), spend: true);

        Assert.Equal("policy.freeze", decision.Rule);
    }

    [Theory]
    [InlineData("2025-06-04T15:59:00Z", "scope.within")] // 17:59 in Berlin (summer time)
    [InlineData("2025-06-04T16:00:00Z", "policy.change-window")] // 18:00 in Berlin
    [InlineData("2025-06-04T06:30:00Z", "scope.within")] // 08:30 in Berlin (UTC+2)
    [InlineData("2025-01-15T06:30:00Z", "policy.change-window")] // 07:30 in Berlin (UTC+1): same UTC clock, winter
    [InlineData("2025-06-07T10:00:00Z", "policy.change-window")] // Saturday
    public void Evaluate_WriteStepAgainstTheChangeWindow_JudgedInTheWindowsTimeZone(string utc, string rule)
    {
        var sut = new ActionPolicyEvaluator(_files.Load(), TestPolicy.Policy.Limits, new FakeTimeProvider(DateTimeOffset.Parse(utc, System.Globalization.CultureInfo.InvariantCulture)));

        var decision = sut.Evaluate(Scale(), ScopePolicyFiles.Scaler(), spend: true);

        Assert.Equal(rule, decision.Rule);
        if (rule == "policy.change-window")
        {
            Assert.Equal(_files.Source("- id: weekday-hours"), decision.Source);
        }
    }

    [Fact]
    public void Evaluate_ObjectsChangedInOneRun_DeniesBlastRadiusPerRunPastTheBudget()
    {
        var sut = CreateSut();

        var first = sut.Evaluate(Write(files: 4, run: "run-1"), ScopePolicyFiles.Scaler(), spend: true);
        var over = sut.Evaluate(Write(files: 3, run: "run-1"), ScopePolicyFiles.Scaler(), spend: true);
        var exactly = sut.Evaluate(Write(files: 2, run: "run-1"), ScopePolicyFiles.Scaler(), spend: true);
        var otherRun = sut.Evaluate(Write(files: 3, run: "run-2"), ScopePolicyFiles.Scaler(), spend: true);

        Assert.Equal("scope.within", first.Rule);
        Assert.Equal((Verdict.Deny, "policy.blast-radius.run"), (over.Verdict, over.Rule));
        Assert.Equal(_files.Source("perRun:"), over.Source);
        Assert.Equal("scope.within", exactly.Rule);
        Assert.Equal("scope.within", otherRun.Rule);
    }

    [Fact]
    public void Evaluate_Undo_IsNotHeldToTheBudgetsOrTheFreeze_ButStillToTheAllowList()
    {
        var sut = CreateSut();
        sut.Evaluate(Write(files: 4, run: "run-1"), ScopePolicyFiles.Scaler(), spend: true);

        var over = sut.Evaluate(Write(files: 3, run: "run-1"), ScopePolicyFiles.Scaler(), spend: true);
        var undoOver = sut.Evaluate(Write(files: 3, run: "run-1") with { Compensating = true }, ScopePolicyFiles.Scaler(), spend: true);
        // Tuesday 23 December 2025, 10:00 in Berlin: in the year-end freeze.
        _time.SetUtcNow(new DateTimeOffset(2025, 12, 23, 9, 0, 0, TimeSpan.Zero));
        var frozen = sut.Evaluate(Scale(), ScopePolicyFiles.Scaler(), spend: true);
        var undoFrozen = sut.Evaluate(Scale() with { Compensating = true }, ScopePolicyFiles.Scaler(), spend: true);
        var undoOffTheList = sut.Evaluate(Scale() with { Tool = "deployment_restart", Compensating = true }, ScopePolicyFiles.Scaler(), spend: true);

        Assert.Equal((Verdict.Deny, "policy.blast-radius.run"), (over.Verdict, over.Rule));
        Assert.Equal((Verdict.Allow, "scope.within"), (undoOver.Verdict, undoOver.Rule));
        Assert.Contains("an undo is not held to the change calendar or the budgets", undoOver.Reason, StringComparison.Ordinal);
        Assert.Equal((Verdict.Deny, "policy.freeze"), (frozen.Verdict, frozen.Rule));
        Assert.Equal((Verdict.Allow, "scope.within"), (undoFrozen.Verdict, undoFrozen.Rule));
        Assert.Equal((Verdict.Deny, "policy.agent-tools"), (undoOffTheList.Verdict, undoOffTheList.Rule));
    }

    [Fact]
    public void Evaluate_ObjectsChangedAcrossRunsInAnHour_DeniesBlastRadiusPerHourUntilTheHourPasses()
    {
        var sut = CreateSut();
        sut.Evaluate(Write(files: 5, run: "run-1"), ScopePolicyFiles.Scaler(), spend: true);
        _time.Advance(TimeSpan.FromMinutes(30));
        var second = sut.Evaluate(Write(files: 5, run: "run-2"), ScopePolicyFiles.Scaler(), spend: true);

        _time.Advance(TimeSpan.FromMinutes(10));
        var over = sut.Evaluate(Write(files: 1, run: "run-3"), ScopePolicyFiles.Scaler(), spend: true);
        _time.Advance(TimeSpan.FromMinutes(20));
        var afterTheFirstLeftTheHour = sut.Evaluate(Write(files: 5, run: "run-3"), ScopePolicyFiles.Scaler(), spend: true);

        Assert.Equal("scope.within", second.Rule);
        Assert.Equal((Verdict.Deny, "policy.blast-radius.hour"), (over.Verdict, over.Rule));
        Assert.Equal(_files.Source("perHour:"), over.Source);
        Assert.Equal("scope.within", afterTheFirstLeftTheHour.Rule);
    }

    [Fact]
    public void Evaluate_FifthCallOfAnAgentInAMinute_DeniesRatePerAgentUntilTheWindowSlides()
    {
        var sut = CreateSut();
        var rules = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            rules.Add(sut.Evaluate(Read("bob@example.com"), ScopePolicyFiles.Scaler(), spend: true).Rule);
            _time.Advance(TimeSpan.FromSeconds(1));
        }
        var denied = sut.Evaluate(Read("bob@example.com"), ScopePolicyFiles.Scaler(), spend: true);
        _time.Advance(TimeSpan.FromSeconds(55));
        var after = sut.Evaluate(Read("bob@example.com"), ScopePolicyFiles.Scaler(), spend: true);

        Assert.Equal(["scope.within", "scope.within", "scope.within", "scope.within", "policy.rate.agent"], rules);
        Assert.Equal(_files.Source("perAgent:"), denied.Source);
        Assert.Equal("scope.within", after.Rule);
    }

    [Fact]
    public void Evaluate_TenantOverItsBudgetAcrossAgents_DeniesRatePerTenantButNotOtherTenants()
    {
        var sut = CreateSut();
        var other = ScopePolicyFiles.Scaler() with { Name = "scaler-b" };
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal("scope.within", sut.Evaluate(Read("alice@example.com"), ScopePolicyFiles.Scaler(), spend: true).Rule);
            Assert.Equal("scope.within", sut.Evaluate(Read("dave@example.com") with { Agent = "scaler-b" }, other, spend: true).Rule);
        }

        var seventh = sut.Evaluate(Read("dave@example.com") with { Agent = "scaler-b" }, other, spend: true);
        var otherTenant = sut.Evaluate(Read("bob@example.com") with { Agent = "scaler-b" }, other, spend: true);

        Assert.Equal((Verdict.Deny, "policy.rate.tenant"), (seventh.Verdict, seventh.Rule));
        Assert.Contains("tenant 'payments'", seventh.Reason, StringComparison.Ordinal);
        Assert.Equal(_files.Source("perTenant:"), seventh.Source);
        Assert.Equal("scope.within", otherTenant.Rule);
    }

    [Fact]
    public void Evaluate_WithoutSpending_NeverUsesUpABudget()
    {
        var sut = CreateSut();
        for (var i = 0; i < 10; i++)
        {
            Assert.Equal("scope.within", sut.Evaluate(Write(files: 5, run: "run-1"), ScopePolicyFiles.Scaler(), spend: false).Rule);
        }

        var spent = sut.Evaluate(Write(files: 5, run: "run-1"), ScopePolicyFiles.Scaler(), spend: true);

        Assert.Equal("scope.within", spent.Rule);
    }

    [Fact]
    public void Evaluate_RateRefusedByTenant_SpendsNothingFromTheAgent()
    {
        using var files = new ScopePolicyFiles(ScopePolicyFiles.Strict.Replace("perTenant: { permits: 6, window: 1m }", "perTenant: { permits: 1, window: 1m }", StringComparison.Ordinal));
        var sut = new ActionPolicyEvaluator(files.Load(), TestPolicy.Policy.Limits, _time);
        sut.Evaluate(Read("alice@example.com"), ScopePolicyFiles.Scaler(), spend: true);
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal("policy.rate.tenant", sut.Evaluate(Read("dave@example.com"), ScopePolicyFiles.Scaler(), spend: true).Rule);
        }

        // The agent spent one call of its four; the five refusals spent none. Each requester below is a tenant of its own.
        var results = new[] { "bob", "carol", "erin", "frank" }
            .Select(who => sut.Evaluate(Read($"{who}@example.com"), ScopePolicyFiles.Scaler(), spend: true).Rule).ToArray();

        Assert.Equal(["scope.within", "scope.within", "scope.within", "policy.rate.agent"], results);
    }

    private ActionPolicyEvaluator CreateSut() => new(_files.Load(), TestPolicy.Policy.Limits, _time);

    private static ActionRequest Scale(string ns = "payments") =>
        new ActionRequest("scaler", "k8s", "deployment_scale", $"k8s:scale:ns/{ns}", false, "run-1", "bob@example.com")
            .WithArgumentFacts(new JsonObject { ["namespace"] = ns, ["deployment"] = "checkout-api", ["replicas"] = 3 });

    private static ActionRequest Read(string requester) =>
        new ActionRequest("scaler", "k8s", "pods_list", "k8s:read:ns/payments", true, "run-1", requester).WithArgumentFacts([]);

    private static ActionRequest WithArgument(string field, string value)
    {
        var arguments = new JsonObject { ["namespace"] = "payments", ["deployment"] = "checkout-api", ["replicas"] = 3 };
        arguments[field] = field is "replicas" or "monthlyCost" ? JsonValue.Create(decimal.Parse(value, System.Globalization.CultureInfo.InvariantCulture)) : value;
        return new ActionRequest("scaler", "k8s", "deployment_scale", "k8s:scale:ns/payments", false, "run-1", "bob@example.com").WithArgumentFacts(arguments);
    }

    private static ActionRequest Write(int files, string run) =>
        new ActionRequest("scaler", "git", "files_write", "git:files_write:repo/platform-gitops/branch/agentops/x", false, run, "bob@example.com")
            .WithArgumentFacts(new JsonObject
            {
                ["files"] = new JsonArray(Enumerable.Range(0, files).Select(i => (JsonNode)new JsonObject { ["path"] = $"f{i}.yaml", ["content"] = "x" }).ToArray()),
            });
}
