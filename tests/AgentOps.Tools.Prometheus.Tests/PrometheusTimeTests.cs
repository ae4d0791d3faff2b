using ModelContextProtocol;

namespace AgentOps.Tools.Prometheus.Tests;

public sealed class PrometheusTimeTests
{
    private static readonly DateTimeOffset s_now = new(2024, 5, 1, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("15s", 15_000)]
    [InlineData("1h30m", 5_400_000)]
    [InlineData("5ms", 5)]
    [InlineData("1m5ms", 60_005)]
    [InlineData("1d", 86_400_000)]
    [InlineData("2.5", 2_500)]
    public void ParseDuration_PrometheusSyntaxOrSeconds_Parsed(string text, long milliseconds) =>
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), PrometheusTime.ParseDuration(text, "step"));

    [Theory]
    [InlineData("0s")]
    [InlineData("-5")]
    [InlineData("5 minutes")]
    [InlineData("m")]
    [InlineData("")]
    public void ParseDuration_NotAPositiveDuration_Refused(string text)
    {
        var ex = Assert.Throws<McpException>(() => PrometheusTime.ParseDuration(text, "step"));

        Assert.StartsWith("step ", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("now", "2024-05-01T12:00:00Z")]
    [InlineData("NOW-15m", "2024-05-01T11:45:00Z")]
    [InlineData("2024-04-30T08:00:00Z", "2024-04-30T08:00:00Z")]
    [InlineData("2024-04-30T10:00:00+02:00", "2024-04-30T08:00:00Z")]
    [InlineData("1714564800.5", "2024-05-01T12:00:00.5Z")]
    public void ParseTime_AcceptedForms_Resolved(string text, string expected) =>
        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), PrometheusTime.ParseTime(text, s_now, "time"));

    [Theory]
    [InlineData("yesterday")]
    [InlineData("now+5m")]
    [InlineData("1e30")]
    public void ParseTime_Unreadable_RefusedNamingTheParameter(string text)
    {
        var ex = Assert.Throws<McpException>(() => PrometheusTime.ParseTime(text, s_now, "start"));

        Assert.Contains($"start '{text}'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Format_MillisecondPrecisionUnixSeconds() =>
        Assert.Equal("1714564800.25", PrometheusTime.Format(s_now.AddMilliseconds(250)));
}
