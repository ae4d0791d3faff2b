using Microsoft.Extensions.Time.Testing;

namespace AgentOps.Identity.Tests;

public sealed class InMemoryReplayCacheTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 6, 2, 9, 30, 0, TimeSpan.Zero));

    [Fact]
    public void TryMarkUsed_SameJtiTwice_SecondFalse()
    {
        var sut = new InMemoryReplayCache(_time);
        var expiresAt = _time.GetUtcNow().AddMinutes(5);

        var first = sut.TryMarkUsed("jti-1", expiresAt);
        var second = sut.TryMarkUsed("jti-1", expiresAt);

        Assert.True(first);
        Assert.False(second);
        Assert.True(sut.TryMarkUsed("jti-2", expiresAt));
    }

    [Fact]
    public void TryMarkUsed_AfterEntriesExpire_EvictsThem()
    {
        var sut = new InMemoryReplayCache(_time);
        sut.TryMarkUsed("old-1", _time.GetUtcNow().AddMinutes(1));
        sut.TryMarkUsed("old-2", _time.GetUtcNow().AddMinutes(1));
        sut.TryMarkUsed("long-lived", _time.GetUtcNow().AddMinutes(30));
        _time.Advance(TimeSpan.FromMinutes(2));

        var reused = sut.TryMarkUsed("fresh", _time.GetUtcNow().AddMinutes(5));

        Assert.True(reused);
        Assert.Equal(2, sut.Count);
        Assert.False(sut.TryMarkUsed("long-lived", _time.GetUtcNow().AddMinutes(30)));
    }

    [Fact]
    public void TryMarkUsed_ConcurrentSameJti_ExactlyOneWins()
    {
        var sut = new InMemoryReplayCache(_time);
        var expiresAt = _time.GetUtcNow().AddMinutes(5);
        var wins = 0;

        Parallel.For(0, 64, _ =>
        {
            if (sut.TryMarkUsed("contested", expiresAt))
            {
                Interlocked.Increment(ref wins);
            }
        });

        Assert.Equal(1, wins);
    }
}
