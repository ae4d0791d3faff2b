using Microsoft.Extensions.Time.Testing;

namespace AgentOps.Guardrails.Tests;

public sealed class AgentRateLimiterTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 6, 2, 9, 30, 0, TimeSpan.Zero));

    [Fact]
    public void TryAcquire_UpToTheLimit_SucceedsThenRefuses()
    {
        var sut = new AgentRateLimiter(_time);
        var agent = TestPolicy.Agent(perMinute: 2);

        var results = new[] { sut.TryAcquire(agent), sut.TryAcquire(agent), sut.TryAcquire(agent) };

        Assert.Equal([true, true, false], results);
    }

    [Fact]
    public void TryAcquire_ExactlyOneMinuteAfterTheOldestCall_Succeeds()
    {
        var sut = new AgentRateLimiter(_time);
        var agent = TestPolicy.Agent(perMinute: 1);
        sut.TryAcquire(agent);

        _time.Advance(TimeSpan.FromSeconds(59));
        var before = sut.TryAcquire(agent);
        _time.Advance(TimeSpan.FromSeconds(1));
        var at = sut.TryAcquire(agent);

        Assert.False(before);
        Assert.True(at);
    }

    [Fact]
    public void TryAcquire_SlidingWindow_FreesOneSlotPerExpiredCall()
    {
        var sut = new AgentRateLimiter(_time);
        var agent = TestPolicy.Agent(perMinute: 2);
        sut.TryAcquire(agent);
        _time.Advance(TimeSpan.FromSeconds(30));
        sut.TryAcquire(agent);

        _time.Advance(TimeSpan.FromSeconds(31));

        Assert.True(sut.TryAcquire(agent));
        Assert.False(sut.TryAcquire(agent));
    }

    [Fact]
    public void WouldAllow_AskedRepeatedly_DoesNotSpend()
    {
        var sut = new AgentRateLimiter(_time);
        var agent = TestPolicy.Agent(perMinute: 1);

        var asked = Enumerable.Range(0, 3).Select(_ => sut.WouldAllow(agent)).ToArray();

        Assert.Equal([true, true, true], asked);
        Assert.True(sut.TryAcquire(agent));
        Assert.False(sut.WouldAllow(agent));
    }
}
