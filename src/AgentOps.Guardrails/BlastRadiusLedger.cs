namespace AgentOps.Guardrails;

/// <summary>
/// How many objects each run has changed, and all runs within the last hour, for L2's blast-radius budgets.
/// Kept in one process, like <see cref="AgentRateLimiter"/>; L2 reaches it through <see cref="InMemoryGuardrailBudgets"/>,
/// and the CLI gives L2 the SQLite store instead, so budgets hold across every process on one data directory.
/// </summary>
public sealed class BlastRadiusLedger(TimeProvider timeProvider)
{
    private static readonly TimeSpan s_hour = TimeSpan.FromHours(1);
    private readonly Dictionary<string, int> _byRun = new(StringComparer.Ordinal);
    private readonly Queue<(DateTimeOffset Time, int Objects)> _recent = new();
    private readonly Lock _gate = new();

    public int ChangedInRun(string runId)
    {
        lock (_gate)
        {
            return _byRun.GetValueOrDefault(runId);
        }
    }

    /// <summary>Objects changed by every run in the hour before <paramref name="now"/> (or the clock's now).</summary>
    public int ChangedInLastHour(DateTimeOffset? now = null)
    {
        lock (_gate)
        {
            var cutoff = (now ?? timeProvider.GetUtcNow()) - s_hour;
            while (_recent.Count > 0 && _recent.Peek().Time <= cutoff)
            {
                _recent.Dequeue();
            }
            return _recent.Sum(r => r.Objects);
        }
    }

    /// <summary>Adds to a run's total alone, for <see cref="InMemoryGuardrailBudgets"/>, which keeps the hour with the rate windows.</summary>
    public void RecordRun(string runId, int objects)
    {
        ArgumentException.ThrowIfNullOrEmpty(runId);
        ArgumentOutOfRangeException.ThrowIfNegative(objects);
        lock (_gate)
        {
            _byRun[runId] = _byRun.GetValueOrDefault(runId) + objects;
        }
    }

    internal Lock Gate => _gate;

    public void Record(string runId, int objects, DateTimeOffset? at = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(runId);
        if (objects <= 0)
        {
            return;
        }
        lock (_gate)
        {
            _byRun[runId] = _byRun.GetValueOrDefault(runId) + objects;
            _recent.Enqueue((at ?? timeProvider.GetUtcNow(), objects));
        }
    }
}
