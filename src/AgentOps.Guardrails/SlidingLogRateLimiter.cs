using System.Threading.RateLimiting;

namespace AgentOps.Guardrails;

/// <summary>
/// A <see cref="RateLimiter"/> (System.Threading.RateLimiting) that allows at most <c>permits</c> acquisitions in any
/// <c>window</c>, timed by an injected <see cref="TimeProvider"/>. The library's own replenishing limiters time their
/// segments with <see cref="System.Diagnostics.Stopwatch"/> even under manual replenishment, so a test clock cannot
/// move them; this one keeps the exact time of every permit in the window (a sliding log) and frees each one exactly
/// <c>window</c> after it was taken. It never queues: a call over the limit is refused at once.
/// </summary>
public sealed class SlidingLogRateLimiter(int permits, TimeSpan window, TimeProvider timeProvider) : RateLimiter
{
    private readonly Queue<DateTimeOffset> _taken = new();
    private readonly Lock _gate = new();
    private long _successful;
    private long _failed;

    public int Permits => permits;

    public TimeSpan Window => window;

    public override TimeSpan? IdleDuration
    {
        get
        {
            lock (_gate)
            {
                Expire();
                return _taken.Count == 0 ? TimeSpan.Zero : null;
            }
        }
    }

    /// <summary>Permits taken within the window now; what <see cref="GetStatistics"/> reports, without a statistics object per call.</summary>
    public int TakenNow()
    {
        lock (_gate)
        {
            Expire();
            return _taken.Count;
        }
    }

    public override RateLimiterStatistics? GetStatistics()
    {
        lock (_gate)
        {
            Expire();
            return new RateLimiterStatistics
            {
                CurrentAvailablePermits = permits - _taken.Count,
                CurrentQueuedCount = 0,
                TotalSuccessfulLeases = _successful,
                TotalFailedLeases = _failed,
            };
        }
    }

    protected override RateLimitLease AttemptAcquireCore(int permitCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(permitCount);
        // As the library's limiters do: a request larger than the whole budget can never succeed, so it is a caller's error.
        ArgumentOutOfRangeException.ThrowIfGreaterThan(permitCount, permits);
        lock (_gate)
        {
            Expire();
            if (_taken.Count + permitCount > permits)
            {
                _failed++;
                return Lease.Refused(_taken.Peek() + window - timeProvider.GetUtcNow());
            }
            var now = timeProvider.GetUtcNow();
            for (var i = 0; i < permitCount; i++)
            {
                _taken.Enqueue(now);
            }
            _successful++;
            return Lease.Granted;
        }
    }

    protected override ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken) =>
        ValueTask.FromResult(AttemptAcquireCore(permitCount));

    private void Expire()
    {
        var cutoff = timeProvider.GetUtcNow() - window;
        while (_taken.Count > 0 && _taken.Peek() <= cutoff)
        {
            _taken.Dequeue();
        }
    }

    private sealed class Lease(bool acquired, TimeSpan? retryAfter) : RateLimitLease
    {
        public static Lease Granted { get; } = new(true, null);

        public override bool IsAcquired => acquired;

        public override IEnumerable<string> MetadataNames => retryAfter is null ? [] : [MetadataName.RetryAfter.Name];

        public static Lease Refused(TimeSpan retryAfter) => new(false, retryAfter);

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = retryAfter is { } after && metadataName == MetadataName.RetryAfter.Name ? after : null;
            return metadata is not null;
        }
    }
}
