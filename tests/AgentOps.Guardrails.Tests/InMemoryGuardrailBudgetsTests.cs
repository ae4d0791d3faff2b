using AgentOps.Core;
using Microsoft.Extensions.Time.Testing;

namespace AgentOps.Guardrails.Tests;

/// <summary>The in-process budget store keeps the contract the SQLite one keeps: exact sliding sums, all spends or none.</summary>
public sealed class InMemoryGuardrailBudgetsTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 6, 2, 9, 30, 0, TimeSpan.Zero));

    [Fact]
    public void TrySpend_WindowedAmounts_EachLeavesTheSumExactlyOneWindowAfterItWasSpent()
    {
        var sut = new InMemoryGuardrailBudgets(_time);
        var hour = new BudgetSpend("blast-radius/hour", 4, 10, TimeSpan.FromHours(1));
        Assert.True(sut.TrySpend([hour], spend: true).AllFit);
        _time.Advance(TimeSpan.FromMinutes(30));
        Assert.True(sut.TrySpend([hour with { Amount = 6 }], spend: true).AllFit);

        _time.Advance(TimeSpan.FromMinutes(29));
        var justBefore = sut.TrySpend([hour with { Amount = 1 }], spend: false);
        _time.Advance(TimeSpan.FromMinutes(1));
        var atOneHour = sut.TrySpend([hour with { Amount = 4 }], spend: true);
        var over = sut.TrySpend([hour with { Amount = 1 }], spend: false);

        Assert.Equal(BudgetSpendResult.Refused(0, 10), justBefore);
        Assert.True(atOneHour.AllFit);
        Assert.Equal(BudgetSpendResult.Refused(0, 10), over);
    }

    [Fact]
    public void TrySpend_NoWindow_KeepsTheRunTotalHowEverLongAgo()
    {
        var sut = new InMemoryGuardrailBudgets(_time);
        Assert.True(sut.TrySpend([new BudgetSpend("blast-radius/run/run-1", 5, 6, Window: null)], spend: true).AllFit);

        _time.Advance(TimeSpan.FromDays(2));
        var refused = sut.TrySpend([new BudgetSpend("blast-radius/run/run-1", 2, 6, Window: null)], spend: true);

        Assert.Equal(BudgetSpendResult.Refused(0, 5), refused);
    }

    [Fact]
    public void TrySpend_SecondBudgetFull_SpendsNothingFromTheFirst()
    {
        var sut = new InMemoryGuardrailBudgets(_time);
        var run = new BudgetSpend("blast-radius/run/run-1", 3, 3, Window: null);
        var tenant = new BudgetSpend("tenant/payments", 1, 1, TimeSpan.FromMinutes(1));
        Assert.True(sut.TrySpend([tenant], spend: true).AllFit);

        var refused = sut.TrySpend([run, tenant], spend: true);

        Assert.Equal(BudgetSpendResult.Refused(1, 1), refused);
        Assert.True(sut.TrySpend([run], spend: true).AllFit);
    }

    [Fact]
    public void TrySpend_MoreThanTheWholeBudget_RefusedRatherThanThrown()
    {
        var sut = new InMemoryGuardrailBudgets(_time);

        var refused = sut.TrySpend([new BudgetSpend("blast-radius/hour", 11, 10, TimeSpan.FromHours(1))], spend: true);

        Assert.Equal(BudgetSpendResult.Refused(0, 0), refused);
        Assert.True(sut.TrySpend([new BudgetSpend("blast-radius/hour", 10, 10, TimeSpan.FromHours(1))], spend: true).AllFit);
    }
}
