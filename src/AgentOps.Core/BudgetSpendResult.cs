namespace AgentOps.Core;

/// <summary>
/// The answer of <see cref="IGuardrailBudgetStore.TrySpend"/>: every spend fitted, or the first that did not
/// (its index in the request) and what its budget already held, so a refusal can say how far over it would go.
/// </summary>
public sealed record BudgetSpendResult(int? RefusedIndex, long RefusedTotal)
{
    public static BudgetSpendResult Fitted { get; } = new(null, 0);

    public bool AllFit => RefusedIndex is null;

    public static BudgetSpendResult Refused(int index, long total) => new(index, total);
}
