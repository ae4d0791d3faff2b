using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;

namespace AgentOps.Orchestration.Investigation;

/// <summary>
/// The investigation's chat history, which Semantic Kernel appends each model answer to during auto function calling.
/// It holds the model-call and token budgets where the filter cannot: a tool call naming a function the kernel does
/// not have (a bare <c>pods_list</c>) is answered by Semantic Kernel itself, no filter runs, and the loop would go on
/// to its own cap of 128 rounds. When an answer that asks for tools spends either budget, the token given here is
/// cancelled, so the next model request is not made. The filter applies the same rule first and ends the loop
/// gracefully when the call is one of ours.
/// </summary>
internal sealed class BudgetedChatHistory(string systemMessage, InvestigationBudget budget) : ChatHistory(systemMessage), IDisposable
{
    private readonly CancellationTokenSource _spent = new();
    private int _modelCalls;

    /// <summary>Cancelled when a budget is spent by an answer that asks for more.</summary>
    public CancellationToken Spent => _spent.Token;

    public string? StopReason { get; private set; }

    public void Dispose() => _spent.Dispose();

    public override void Add(ChatMessageContent item)
    {
        base.Add(item);
        if (item is null || item.Role != AuthorRole.Assistant || InvestigationFilter.UsageOf(item) is null)
        {
            return;
        }
        _modelCalls++;
        if (!item.Items.OfType<FunctionCallContent>().Any() || StopReason is not null)
        {
            return;
        }
        var tokens = InvestigationFilter.TokensUsed(this);
        StopReason = _modelCalls >= budget.MaxModelCalls
            ? $"stopped: model-call budget of {budget.MaxModelCalls} exhausted"
            : tokens >= budget.MaxTokens
                ? $"stopped: token budget of {budget.MaxTokens} exhausted ({tokens} used)"
                : null;
        if (StopReason is not null)
        {
            _spent.Cancel();
        }
    }
}
