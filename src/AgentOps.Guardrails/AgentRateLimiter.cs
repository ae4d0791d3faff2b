using System.Threading.RateLimiting;
using AgentOps.Guardrails.Policy;

namespace AgentOps.Guardrails;

/// <summary>
/// Rate limits keyed by agent or tenant: one <see cref="SlidingLogRateLimiter"/> (a System.Threading.RateLimiting
/// <see cref="RateLimiter"/>) per key and limit, timed by the injected <see cref="TimeProvider"/> so tests are exact.
/// It lives in the orchestrating process; a multi-replica deployment needs a shared store (see docs/architecture.md).
/// </summary>
public sealed class AgentRateLimiter(TimeProvider timeProvider)
{
    private readonly Dictionary<(string Key, int Permits, TimeSpan Window), RateLimiter> _limiters = [];
    private readonly Lock _gate = new();

    /// <summary>The clock the windows are timed by.</summary>
    public TimeProvider TimeProvider => timeProvider;

    /// <summary>The AIAgent spec's <c>rateLimits.toolCallsPerMinute</c>: spends one call when within it.</summary>
    public bool TryAcquire(AgentSpec agent)
    {
        ArgumentNullException.ThrowIfNull(agent);
        return TryAcquire(SpecKey(agent), agent.ToolCallsPerMinute, TimeSpan.FromMinutes(1));
    }

    public bool WouldAllow(AgentSpec agent)
    {
        ArgumentNullException.ThrowIfNull(agent);
        return WouldAllow(SpecKey(agent), agent.ToolCallsPerMinute, TimeSpan.FromMinutes(1));
    }

    /// <summary>Spends one call from the budget of <paramref name="key"/> (<c>agent/x</c>, <c>tenant/y</c>) if it has one left.</summary>
    public bool TryAcquire(string key, int permits, TimeSpan window)
    {
        lock (_gate)
        {
            using var lease = Get(key, permits, window).AttemptAcquire();
            return lease.IsAcquired;
        }
    }

    /// <summary>Whether <see cref="TryAcquire(string, int, TimeSpan)"/> would succeed now; spends nothing.</summary>
    public bool WouldAllow(string key, int permits, TimeSpan window)
    {
        lock (_gate)
        {
            return Get(key, permits, window).GetStatistics()?.CurrentAvailablePermits > 0;
        }
    }

    /// <summary>Several budgets at once: all of them are spent, or none (the first that has no call left is returned).</summary>
    public int TryAcquireAll(IReadOnlyList<(string Key, int Permits, TimeSpan Window)> budgets)
    {
        ArgumentNullException.ThrowIfNull(budgets);
        lock (_gate)
        {
            for (var i = 0; i < budgets.Count; i++)
            {
                if (!WouldAllow(budgets[i].Key, budgets[i].Permits, budgets[i].Window))
                {
                    return i;
                }
            }
            foreach (var (key, permits, window) in budgets)
            {
                using var lease = Get(key, permits, window).AttemptAcquire();
            }
            return -1;
        }
    }

    private static string SpecKey(AgentSpec agent) => "agent-spec/" + agent.Name;

    private RateLimiter Get(string key, int permits, TimeSpan window)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        ArgumentOutOfRangeException.ThrowIfLessThan(permits, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(window, TimeSpan.Zero);
        if (!_limiters.TryGetValue((key, permits, window), out var limiter))
        {
            _limiters[(key, permits, window)] = limiter = new SlidingLogRateLimiter(permits, window, timeProvider);
        }
        return limiter;
    }
}
