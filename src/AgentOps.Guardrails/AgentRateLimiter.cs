using System.Threading.RateLimiting;
using AgentOps.Guardrails.Policy;

namespace AgentOps.Guardrails;

/// <summary>
/// Rate limits keyed by agent or tenant: one <see cref="SlidingLogRateLimiter"/> (a System.Threading.RateLimiting
/// <see cref="RateLimiter"/>) per key and limit, timed by the injected <see cref="TimeProvider"/> so tests are exact.
/// It lives in one process. L2 reaches it through <see cref="InMemoryGuardrailBudgets"/>, the store for tests and
/// harnesses; the CLI gives L2 the SQLite store instead, so budgets hold across every process on one data directory.
/// </summary>
public sealed class AgentRateLimiter(TimeProvider timeProvider)
{
    private readonly Dictionary<(string Key, int Permits, TimeSpan Window), SlidingLogRateLimiter> _limiters = [];
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

    /// <summary>How many of <paramref name="permits"/> <paramref name="key"/> has taken in the window ending now.</summary>
    public int Taken(string key, int permits, TimeSpan window)
    {
        lock (_gate)
        {
            return Get(key, permits, window).TakenNow();
        }
    }

    /// <summary>Takes <paramref name="amount"/> permits at once (a blast radius spends one per object changed).</summary>
    /// <returns>False, and nothing taken, when fewer than <paramref name="amount"/> are left.</returns>
    public bool TryAcquire(string key, int permits, TimeSpan window, int amount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(amount, 1);
        lock (_gate)
        {
            if (amount > permits)
            {
                return false;
            }
            using var lease = Get(key, permits, window).AttemptAcquire(amount);
            return lease.IsAcquired;
        }
    }

    /// <summary>Held by <see cref="InMemoryGuardrailBudgets"/> so that checking several budgets and spending them is one step.</summary>
    internal Lock Gate => _gate;

    private static string SpecKey(AgentSpec agent) => "agent-spec/" + agent.Name;

    private SlidingLogRateLimiter Get(string key, int permits, TimeSpan window)
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
