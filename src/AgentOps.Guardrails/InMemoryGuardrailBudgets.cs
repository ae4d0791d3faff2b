using AgentOps.Core;

namespace AgentOps.Guardrails;

/// <summary>
/// Budgets kept in this process alone: the windowed ones (rate limits, the blast radius of the last hour) in an
/// <see cref="AgentRateLimiter"/>, one exact sliding log per key timed by its <see cref="TimeProvider"/>, and the
/// windowless ones (a run's blast radius) in a <see cref="BlastRadiusLedger"/>. For tests, harnesses and
/// <c>agentops policy test</c>, which must spend nothing outside itself; processes that share a data directory share
/// budgets through the SQLite store instead.
/// </summary>
public sealed class InMemoryGuardrailBudgets(AgentRateLimiter windows, BlastRadiusLedger runs) : IGuardrailBudgetStore
{
    public InMemoryGuardrailBudgets(TimeProvider timeProvider)
        : this(new AgentRateLimiter(timeProvider), new BlastRadiusLedger())
    {
    }

    public BudgetSpendResult TrySpend(IReadOnlyList<BudgetSpend> spends, bool spend)
    {
        ArgumentNullException.ThrowIfNull(spends);
        // Both locks are held from the first check to the last spend, so the check and the spend are one step.
        lock (windows.Gate)
        {
            lock (runs.Gate)
            {
                for (var i = 0; i < spends.Count; i++)
                {
                    var total = Total(spends[i]);
                    if (!spends[i].Fits(total))
                    {
                        return BudgetSpendResult.Refused(i, total);
                    }
                }
                if (spend)
                {
                    foreach (var budget in spends)
                    {
                        Spend(budget);
                    }
                }
                return BudgetSpendResult.Fitted;
            }
        }
    }

    private long Total(BudgetSpend budget) => budget.Window is { } window
        ? windows.Taken(budget.Key, budget.Limit, window)
        : runs.ChangedInRun(budget.Key);

    private void Spend(BudgetSpend budget)
    {
        if (budget.Amount <= 0)
        {
            return;
        }
        if (budget.Window is { } window)
        {
            // Cannot fail: the same lock has been held since the check found room.
            if (!windows.TryAcquire(budget.Key, budget.Limit, window, budget.Amount))
            {
                throw new InvalidOperationException($"budget '{budget.Key}' lost the room it was checked to have");
            }
        }
        else
        {
            runs.RecordRun(budget.Key, budget.Amount);
        }
    }
}
