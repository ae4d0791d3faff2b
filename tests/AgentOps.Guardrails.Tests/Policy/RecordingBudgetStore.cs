using AgentOps.Core;

namespace AgentOps.Guardrails.Tests.Policy;

/// <summary>A budget store that records what it is asked and answers what the test says, to see what the evaluator sends.</summary>
internal sealed class RecordingBudgetStore(BudgetSpendResult answer) : IGuardrailBudgetStore
{
    public List<(IReadOnlyList<BudgetSpend> Spends, bool Spend)> Calls { get; } = [];

    public BudgetSpendResult TrySpend(IReadOnlyList<BudgetSpend> spends, bool spend)
    {
        Calls.Add(([.. spends], spend));
        return answer;
    }
}
