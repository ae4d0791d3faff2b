namespace AgentOps.Core;

/// <summary>
/// One amount a guardrail call would add to one budget: <paramref name="Amount"/> more under <paramref name="Key"/>,
/// which may hold at most <paramref name="Limit"/> in any <paramref name="Window"/>. A null window sums everything ever
/// spent under the key (a run's blast radius, keyed by its run id). A spend counts from its time until one window later.
/// </summary>
public sealed record BudgetSpend(string Key, int Amount, int Limit, TimeSpan? Window)
{
    /// <summary>Whether <paramref name="total"/> already spent leaves room for this spend.</summary>
    public bool Fits(long total) => total + Amount <= Limit;
}
