namespace AgentOps.Orchestration.Investigation;

/// <summary>
/// <c>AgentOps:Llm:Investigation</c>: how far one investigation may go. Each limit stops the loop on its own, with a
/// reason that names it; the defaults suit a question about one service.
/// </summary>
public sealed class InvestigationBudget
{
    public const string Section = "AgentOps:Llm:Investigation";

    /// <summary>Calls to the model, the first included. A tool call that would need one more model call to be read is not made.</summary>
    public int MaxModelCalls { get; set; } = 8;

    /// <summary>Tool calls the model may ask for, refused ones included (a model retrying a refused call spends its budget).</summary>
    public int MaxToolCalls { get; set; } = 12;

    /// <summary>Input plus output tokens over every model call, as the endpoint reports them in <c>usage</c>.</summary>
    public long MaxTokens { get; set; } = 60_000;

    /// <summary>Wall time for the whole investigation, model and tool calls together.</summary>
    public TimeSpan WallTime { get; set; } = TimeSpan.FromMinutes(3);

    /// <exception cref="ArgumentOutOfRangeException">A limit is zero or negative.</exception>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxModelCalls);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxToolCalls);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxTokens);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(WallTime, TimeSpan.Zero);
    }

    public override string ToString() =>
        $"{MaxModelCalls} model calls, {MaxToolCalls} tool calls, {MaxTokens} tokens, {WallTime.TotalSeconds:0} s";
}
