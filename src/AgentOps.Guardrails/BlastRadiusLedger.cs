namespace AgentOps.Guardrails;

/// <summary>
/// How many objects each run has changed, and all runs within the last hour, for L2's blast-radius budgets.
/// Kept in the orchestrating process, like <see cref="AgentRateLimiter"/>.
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
