namespace AgentOps.Identity;

/// <summary>Per-process replay protection; several replicas need a shared cache instead.</summary>
public sealed class InMemoryReplayCache : IReplayCache
{
    private static readonly TimeSpan s_sweepInterval = TimeSpan.FromSeconds(30);

    private readonly TimeProvider _timeProvider;
    private readonly Dictionary<string, DateTimeOffset> _used = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private DateTimeOffset _nextSweep;

    public InMemoryReplayCache(TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        _timeProvider = timeProvider;
        _nextSweep = timeProvider.GetUtcNow() + s_sweepInterval;
    }

    internal int Count
    {
        get
        {
            lock (_gate)
            {
                return _used.Count;
            }
        }
    }

    public bool TryMarkUsed(string jti, DateTimeOffset expiresAt)
    {
        ArgumentException.ThrowIfNullOrEmpty(jti);
        var now = _timeProvider.GetUtcNow();
        lock (_gate)
        {
            if (now >= _nextSweep)
            {
                Sweep(now);
            }
            if (_used.TryGetValue(jti, out var existing) && existing > now)
            {
                return false;
            }
            _used[jti] = expiresAt;
            return true;
        }
    }

    private void Sweep(DateTimeOffset now)
    {
        foreach (var (jti, expiresAt) in _used)
        {
            if (expiresAt <= now)
            {
                _used.Remove(jti);
            }
        }
        _nextSweep = now + s_sweepInterval;
    }
}
