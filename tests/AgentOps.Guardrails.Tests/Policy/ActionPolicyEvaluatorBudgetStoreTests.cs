using System.Text.Json.Nodes;
using AgentOps.Core;
using AgentOps.Guardrails.Policy;
using Microsoft.Extensions.Time.Testing;

namespace AgentOps.Guardrails.Tests.Policy;

/// <summary>
/// The evaluator keeps no budget of its own: it asks its store once per call for every budget, and evaluators that
/// share a store (as CLI processes share a database) share the budgets.
/// </summary>
public sealed class ActionPolicyEvaluatorBudgetStoreTests : IDisposable
{
    // Wednesday 4 June 2025, 10:00 in Berlin: inside the strict policy's change window.
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 6, 4, 8, 0, 0, TimeSpan.Zero));
    private readonly ScopePolicyFiles _files = new(ScopePolicyFiles.Strict);

    public void Dispose() => _files.Dispose();

    [Fact]
    public void Evaluate_TwoEvaluatorsOnOneStore_SecondSeesTheObjectsTheFirstChanged()
    {
        var store = new InMemoryGuardrailBudgets(_time);
        var first = new ActionPolicyEvaluator(_files.Load(), TestPolicy.Policy.Limits, store, _time);
        var second = new ActionPolicyEvaluator(_files.Load(), TestPolicy.Policy.Limits, store, _time);
        Assert.Equal("scope.within", first.Evaluate(Write(files: 5, run: "run-1"), ScopePolicyFiles.Scaler(), spend: true).Rule);
        Assert.Equal("scope.within", first.Evaluate(Write(files: 4, run: "run-2"), ScopePolicyFiles.Scaler(), spend: true).Rule);

        var over = second.Evaluate(Write(files: 2, run: "run-3"), ScopePolicyFiles.Scaler(), spend: true);

        Assert.Equal((Verdict.Deny, "policy.blast-radius.hour"), (over.Verdict, over.Rule));
        Assert.Contains("9 objects were changed in the last hour; 2 more would exceed 10 per hour", over.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Evaluate_WriteStep_AsksTheStoreOnceForEveryBudgetInTheOrderTheyAreJudged(bool spend)
    {
        var store = new RecordingBudgetStore(BudgetSpendResult.Fitted);
        var sut = new ActionPolicyEvaluator(_files.Load(), TestPolicy.Policy.Limits, store, _time);

        var decision = sut.Evaluate(Write(files: 3, run: "run-7") with { Requester = "alice@example.com" }, ScopePolicyFiles.Scaler(perMinute: 9), spend);

        Assert.Equal("scope.within", decision.Rule);
        var call = Assert.Single(store.Calls);
        Assert.Equal(spend, call.Spend);
        Assert.Equal(
            [
                new BudgetSpend("blast-radius/run/run-7", 3, 6, null),
                new BudgetSpend("blast-radius/hour", 3, 10, TimeSpan.FromHours(1)),
                new BudgetSpend("agent-spec/scaler", 1, 9, TimeSpan.FromMinutes(1)),
                new BudgetSpend("agent/scaler", 1, 4, TimeSpan.FromMinutes(1)),
                new BudgetSpend("tenant/payments", 1, 6, TimeSpan.FromMinutes(1)),
            ],
            call.Spends);
    }

    [Theory]
    [InlineData(0, "policy.blast-radius.run", "run run-7 has changed 5 objects; 3 more would exceed 6 per run")]
    [InlineData(1, "policy.blast-radius.hour", "5 objects were changed in the last hour; 3 more would exceed 10 per hour")]
    [InlineData(2, "limits.rate", "agent 'scaler' exceeded 1000 tool calls per minute")]
    [InlineData(4, "policy.rate.tenant", "tenant 'bob@example.com' exceeded 6 tool calls per 00:01:00")]
    public void Evaluate_StoreRefusesOneBudget_DeniesWithThatBudgetsRuleAndTheTotalTheStoreFound(int index, string rule, string reason)
    {
        var sut = new ActionPolicyEvaluator(_files.Load(), TestPolicy.Policy.Limits, new RecordingBudgetStore(BudgetSpendResult.Refused(index, 5)), _time);

        var decision = sut.Evaluate(Write(files: 3, run: "run-7"), ScopePolicyFiles.Scaler(), spend: true);

        Assert.Equal((Verdict.Deny, rule), (decision.Verdict, decision.Rule));
        Assert.Contains(reason, decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_ReadStep_AsksForTheRateBudgetsAlone()
    {
        var store = new RecordingBudgetStore(BudgetSpendResult.Fitted);
        var sut = new ActionPolicyEvaluator(_files.Load(), TestPolicy.Policy.Limits, store, _time);
        var read = new ActionRequest("scaler", "k8s", "pods_list", "k8s:read:ns/payments", true, "run-1", "bob@example.com").WithArgumentFacts([]);

        sut.Evaluate(read, ScopePolicyFiles.Scaler(), spend: true);

        Assert.Equal(["agent-spec/scaler", "agent/scaler", "tenant/bob@example.com"], Assert.Single(store.Calls).Spends.Select(s => s.Key));
    }

    private static ActionRequest Write(int files, string run) =>
        new ActionRequest("scaler", "git", "files_write", "git:files_write:repo/platform-gitops/branch/agentops/x", false, run, "bob@example.com")
            .WithArgumentFacts(new JsonObject
            {
                ["files"] = new JsonArray(Enumerable.Range(0, files).Select(i => (JsonNode)new JsonObject { ["path"] = $"f{i}.yaml", ["content"] = "x" }).ToArray()),
            });
}
