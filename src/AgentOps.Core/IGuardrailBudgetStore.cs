namespace AgentOps.Core;

/// <summary>
/// Where L2's rate limits and blast-radius budgets are kept. Every budget is a sum over a sliding window (or over
/// everything, for a run), and a call spends from several at once; the store answers for all of them in one atomic
/// step, so two callers (threads, or processes sharing one database) can never both take the last unit of a budget.
/// Times come from the store's own clock.
/// </summary>
public interface IGuardrailBudgetStore
{
    /// <summary>
    /// Whether every spend fits its budget now; when all fit and <paramref name="spend"/> is true, records them all.
    /// When one does not fit, nothing is recorded and the first that did not fit is named.
    /// </summary>
    BudgetSpendResult TrySpend(IReadOnlyList<BudgetSpend> spends, bool spend);
}
