namespace AgentOps.Guardrails;

/// <summary>
/// How many objects each run has changed, for L2's per-run blast-radius budget (the hourly one is a sliding window
/// in <see cref="AgentRateLimiter"/>). Kept in one process; L2 reaches it through <see cref="InMemoryGuardrailBudgets"/>,
/// and the CLI gives L2 the SQLite store instead, so budgets hold across every process on one data directory.
/// </summary>
public sealed class BlastRadiusLedger
{
    private readonly Dictionary<string, int> _byRun = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public int ChangedInRun(string runId)
    {
        lock (_gate)
        {
            return _byRun.GetValueOrDefault(runId);
        }
    }

    public void RecordRun(string runId, int objects)
    {
        ArgumentException.ThrowIfNullOrEmpty(runId);
        ArgumentOutOfRangeException.ThrowIfNegative(objects);
        lock (_gate)
        {
            _byRun[runId] = _byRun.GetValueOrDefault(runId) + objects;
        }
    }

    /// <summary>Held by <see cref="InMemoryGuardrailBudgets"/> so that checking several budgets and spending them is one step.</summary>
    internal Lock Gate => _gate;
}
