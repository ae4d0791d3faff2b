using AgentOps.Core;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;

namespace AgentOps.Storage.Tests;

/// <summary>
/// L2's budgets in the shared database: sliding sums timed by the injected clock, all of a call's spends or none, and
/// one budget for every connection (as every CLI process has its own) on the same file.
/// </summary>
public sealed class SqliteGuardrailBudgetsTests : IDisposable
{
    private static readonly TimeSpan s_minute = TimeSpan.FromMinutes(1);

    private readonly TestDirectory _directory = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 29, 12, 0, 0, TimeSpan.Zero));

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task TrySpend_SlidingWindow_RefusesPastTheLimitUntilTheOldestSpendIsOneWindowOld()
    {
        var sut = new SqliteGuardrailBudgets(await SqliteDatabase.OpenAsync(_directory.DatabasePath), _time);
        var two = new BudgetSpend("agent/scaler", 2, 3, s_minute);
        var one = two with { Amount = 1 };
        Assert.True(sut.TrySpend([two], spend: true).AllFit);
        _time.Advance(TimeSpan.FromSeconds(30));
        Assert.True(sut.TrySpend([one], spend: true).AllFit);

        _time.Advance(TimeSpan.FromSeconds(29.999));
        var justBefore = sut.TrySpend([one], spend: true);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        var atOneWindow = sut.TrySpend([one], spend: true);
        var fillsIt = sut.TrySpend([one], spend: true);
        var overAgain = sut.TrySpend([one], spend: true);

        Assert.Equal(BudgetSpendResult.Refused(0, 3), justBefore);
        // At one window the first spend (2) has left: the 30-second one and these two make 3 of 3.
        Assert.True(atOneWindow.AllFit);
        Assert.True(fillsIt.AllFit);
        Assert.Equal(BudgetSpendResult.Refused(0, 3), overAgain);
    }

    [Fact]
    public async Task TrySpend_NoWindow_SumsEverySpendOfTheKeyHowEverOld()
    {
        var sut = new SqliteGuardrailBudgets(await SqliteDatabase.OpenAsync(_directory.DatabasePath), _time);
        Assert.True(sut.TrySpend([new BudgetSpend("blast-radius/run/run-1", 4, 5, Window: null)], spend: true).AllFit);

        _time.Advance(TimeSpan.FromDays(3));
        var over = sut.TrySpend([new BudgetSpend("blast-radius/run/run-1", 2, 5, Window: null)], spend: true);
        var otherRun = sut.TrySpend([new BudgetSpend("blast-radius/run/run-2", 5, 5, Window: null)], spend: true);

        Assert.Equal(BudgetSpendResult.Refused(0, 4), over);
        Assert.True(otherRun.AllFit);
    }

    [Fact]
    public async Task TrySpend_SecondBudgetFull_RecordsNothingForTheFirst()
    {
        var sut = new SqliteGuardrailBudgets(await SqliteDatabase.OpenAsync(_directory.DatabasePath), _time);
        var agent = new BudgetSpend("agent/scaler", 1, 1, s_minute);
        var tenant = new BudgetSpend("tenant/payments", 1, 1, s_minute);
        Assert.True(sut.TrySpend([tenant], spend: true).AllFit);

        var refused = sut.TrySpend([agent, tenant], spend: true);

        Assert.Equal(BudgetSpendResult.Refused(1, 1), refused);
        Assert.Equal(0L, await _directory.QueryScalarAsync("SELECT COUNT(*) FROM guardrail_spend WHERE key = 'agent/scaler';"));
        Assert.True(sut.TrySpend([agent], spend: true).AllFit);
    }

    [Fact]
    public async Task TrySpend_WithoutSpending_AnswersButRecordsNothing()
    {
        var sut = new SqliteGuardrailBudgets(await SqliteDatabase.OpenAsync(_directory.DatabasePath), _time);
        var budget = new BudgetSpend("blast-radius/hour", 5, 5, TimeSpan.FromHours(1));

        var asked = Enumerable.Range(0, 3).Select(_ => sut.TrySpend([budget], spend: false).AllFit).ToArray();

        Assert.Equal([true, true, true], asked);
        Assert.True(sut.TrySpend([budget], spend: true).AllFit);
        Assert.Equal(BudgetSpendResult.Refused(0, 5), sut.TrySpend([budget with { Amount = 1 }], spend: false));
    }

    [Fact]
    public async Task TrySpend_TwoDatabaseInstancesOnOneFile_ShareTheBudget()
    {
        var first = new SqliteGuardrailBudgets(await SqliteDatabase.OpenAsync(_directory.DatabasePath), _time);
        var second = new SqliteGuardrailBudgets(await SqliteDatabase.OpenAsync(_directory.DatabasePath), _time);
        var budget = new BudgetSpend("agent-spec/scaler", 1, 2, s_minute);
        Assert.True(first.TrySpend([budget], spend: true).AllFit);
        Assert.True(second.TrySpend([budget], spend: true).AllFit);

        var fromFirst = first.TrySpend([budget], spend: true);
        var fromSecond = second.TrySpend([budget], spend: true);

        Assert.Equal(BudgetSpendResult.Refused(0, 2), fromFirst);
        Assert.Equal(BudgetSpendResult.Refused(0, 2), fromSecond);
    }

    [Fact]
    public async Task TrySpend_ConcurrentSpendersOnSeparateConnections_NeverGrantMoreThanTheLimit()
    {
        const int Limit = 25;
        const int Spenders = 8;
        var shared = new BudgetSpend("tenant/payments", 1, Limit, TimeSpan.FromHours(1));
        var spenders = await Task.WhenAll(Enumerable.Range(0, Spenders).Select(async _ =>
            new SqliteGuardrailBudgets(await SqliteDatabase.OpenAsync(_directory.DatabasePath), _time)));
        var start = new Barrier(Spenders);

        // As L2 spends: the shared budget first, then budgets of each spender's own, which widen the gap between
        // reading the shared sum and writing to it that a store without one write transaction would lose.
        var granted = await Task.WhenAll(spenders.Select((store, index) => Task.Factory.StartNew(() =>
        {
            BudgetSpend[] spends = [shared, .. Enumerable.Range(0, 3).Select(k => new BudgetSpend($"agent/{index}-{k}", 1, 1000, TimeSpan.FromHours(1)))];
            start.SignalAndWait();
            return Enumerable.Range(0, 20).Count(_ => store.TrySpend(spends, spend: true).AllFit);
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default)));

        Assert.Equal(Limit, granted.Sum());
        Assert.Equal((long)Limit, await _directory.QueryScalarAsync("SELECT SUM(amount) FROM guardrail_spend WHERE key = 'tenant/payments';"));
    }

    [Fact]
    public async Task TrySpend_AfterTheFileIsClosedAndReopened_StillCountsEarlierSpends()
    {
        var budget = new BudgetSpend("blast-radius/hour", 3, 4, TimeSpan.FromHours(1));
        Assert.True(new SqliteGuardrailBudgets(await SqliteDatabase.OpenAsync(_directory.DatabasePath), _time).TrySpend([budget], spend: true).AllFit);
        SqliteConnection.ClearAllPools();

        var reopened = new SqliteGuardrailBudgets(await SqliteDatabase.OpenAsync(_directory.DatabasePath), _time);

        Assert.Equal(BudgetSpendResult.Refused(0, 3), reopened.TrySpend([budget with { Amount = 2 }], spend: true));
    }

    [Fact]
    public async Task TrySpend_RowsThatLeftTheWindow_ArePrunedWhenTheKeyIsNextUsed()
    {
        var sut = new SqliteGuardrailBudgets(await SqliteDatabase.OpenAsync(_directory.DatabasePath), _time);
        var budget = new BudgetSpend("agent/scaler", 1, 10, s_minute);
        for (var i = 0; i < 5; i++)
        {
            sut.TrySpend([budget], spend: true);
        }
        sut.TrySpend([new BudgetSpend("blast-radius/run/run-1", 2, 10, Window: null)], spend: true);

        _time.Advance(TimeSpan.FromHours(2));
        sut.TrySpend([budget, new BudgetSpend("blast-radius/run/run-1", 1, 10, Window: null)], spend: false);

        Assert.Equal(0L, await _directory.QueryScalarAsync("SELECT COUNT(*) FROM guardrail_spend WHERE key = 'agent/scaler';"));
        Assert.Equal(1L, await _directory.QueryScalarAsync("SELECT COUNT(*) FROM guardrail_spend WHERE key = 'blast-radius/run/run-1';"));
    }

    [Fact]
    public async Task TrySpend_MoreThanTheWholeBudget_RefusedWithoutSpending()
    {
        var sut = new SqliteGuardrailBudgets(await SqliteDatabase.OpenAsync(_directory.DatabasePath), _time);

        var refused = sut.TrySpend([new BudgetSpend("blast-radius/hour", 6, 5, TimeSpan.FromHours(1))], spend: true);

        Assert.Equal(BudgetSpendResult.Refused(0, 0), refused);
        Assert.Equal(0L, await _directory.QueryScalarAsync("SELECT COUNT(*) FROM guardrail_spend;"));
    }
}
