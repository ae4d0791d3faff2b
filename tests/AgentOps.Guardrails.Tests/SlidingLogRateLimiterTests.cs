using System.Threading.RateLimiting;
using Microsoft.Extensions.Time.Testing;

namespace AgentOps.Guardrails.Tests;

public sealed class SlidingLogRateLimiterTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 6, 2, 9, 30, 0, TimeSpan.Zero));

    [Fact]
    public void AttemptAcquire_OverTheLimit_RefusesWithRetryAfterUntilTheOldestPermitLeavesTheWindow()
    {
        using var sut = new SlidingLogRateLimiter(2, TimeSpan.FromMinutes(1), _time);
        using var first = sut.AttemptAcquire();
        _time.Advance(TimeSpan.FromSeconds(20));
        using var second = sut.AttemptAcquire();

        using var refused = sut.AttemptAcquire();
        _time.Advance(TimeSpan.FromSeconds(40));
        using var afterTheFirstLeft = sut.AttemptAcquire();

        Assert.True(first.IsAcquired && second.IsAcquired);
        Assert.False(refused.IsAcquired);
        Assert.True(refused.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter));
        Assert.Equal(TimeSpan.FromSeconds(40), retryAfter);
        Assert.True(afterTheFirstLeft.IsAcquired);
    }

    [Fact]
    public void GetStatistics_AfterGrantsAndARefusal_CountsThemAndTheAvailablePermits()
    {
        using var sut = new SlidingLogRateLimiter(2, TimeSpan.FromMinutes(1), _time);
        sut.AttemptAcquire().Dispose();
        sut.AttemptAcquire().Dispose();
        sut.AttemptAcquire().Dispose();

        var statistics = sut.GetStatistics()!;

        Assert.Equal((0, 2, 1), (statistics.CurrentAvailablePermits, statistics.TotalSuccessfulLeases, statistics.TotalFailedLeases));
        Assert.Null(sut.IdleDuration);
    }

    [Fact]
    public void AttemptAcquire_MorePermitsThanTheLimit_Throws()
    {
        using var sut = new SlidingLogRateLimiter(2, TimeSpan.FromMinutes(1), _time);

        Assert.Throws<ArgumentOutOfRangeException>(() => sut.AttemptAcquire(3));
    }
}
