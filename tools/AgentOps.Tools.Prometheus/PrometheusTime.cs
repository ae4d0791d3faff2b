using System.Globalization;
using System.Text.RegularExpressions;
using ModelContextProtocol;

namespace AgentOps.Tools.Prometheus;

/// <summary>
/// Times and durations as the tools accept them. Times: <c>now</c>, <c>now-15m</c>, RFC 3339 or Unix seconds, resolved
/// here so that a range can be bounded before Prometheus is asked. Durations: Prometheus syntax (<c>1h30m</c>, <c>15s</c>)
/// or plain seconds (<c>2.5</c>).
/// </summary>
internal static partial class PrometheusTime
{
    public static DateTimeOffset ParseTime(string text, DateTimeOffset now, string parameter)
    {
        var trimmed = text.Trim();
        if (trimmed.Equals("now", StringComparison.OrdinalIgnoreCase))
        {
            return now;
        }
        if (trimmed.StartsWith("now-", StringComparison.OrdinalIgnoreCase))
        {
            return now - ParseDuration(trimmed[4..], parameter);
        }
        if (double.TryParse(trimmed, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && double.IsFinite(seconds))
        {
            return FromUnixSeconds(seconds, text, parameter);
        }
        if (DateTimeOffset.TryParse(trimmed, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time))
        {
            return time;
        }
        throw new McpException($"{parameter} '{text}' is not a time: use 'now', 'now-15m', RFC 3339 (2024-05-01T12:00:00Z) or Unix seconds.");
    }

    public static TimeSpan ParseDuration(string text, string parameter)
    {
        var trimmed = text.Trim();
        if (double.TryParse(trimmed, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && double.IsFinite(seconds) && seconds > 0 && seconds < TimeSpan.MaxValue.TotalSeconds)
        {
            return TimeSpan.FromSeconds(seconds);
        }
        var match = DurationPattern().Match(trimmed);
        if (trimmed.Length == 0 || !match.Success)
        {
            throw new McpException($"{parameter} '{text}' is not a duration: use Prometheus syntax such as 15s, 5m, 1h30m, or seconds.");
        }
        try
        {
            var total = TimeSpan.Zero;
            foreach (var (unit, scale) in s_units)
            {
                if (match.Groups[unit].Success)
                {
                    total += scale * long.Parse(match.Groups[unit].Value, CultureInfo.InvariantCulture);
                }
            }
            return total > TimeSpan.Zero ? total : throw new McpException($"{parameter} '{text}' must be longer than zero.");
        }
        catch (Exception ex) when (ex is OverflowException or ArgumentException)
        {
            throw new McpException($"{parameter} '{text}' is too long a duration.", ex);
        }
    }

    /// <summary>Unix seconds with millisecond precision, the form every Prometheus API parameter accepts.</summary>
    public static string Format(DateTimeOffset time) =>
        (time.ToUnixTimeMilliseconds() / 1000m).ToString("0.###", CultureInfo.InvariantCulture);

    public static string FormatDuration(TimeSpan duration) =>
        ((decimal)duration.TotalMilliseconds / 1000m).ToString("0.###", CultureInfo.InvariantCulture) + "s";

    private static DateTimeOffset FromUnixSeconds(double seconds, string text, string parameter)
    {
        try
        {
            return DateTimeOffset.FromUnixTimeMilliseconds(checked((long)Math.Round(seconds * 1000)));
        }
        catch (Exception ex) when (ex is OverflowException or ArgumentOutOfRangeException)
        {
            throw new McpException($"{parameter} '{text}' is out of range.", ex);
        }
    }

    private static readonly (string Unit, TimeSpan Scale)[] s_units =
    [
        ("y", TimeSpan.FromDays(365)),
        ("w", TimeSpan.FromDays(7)),
        ("d", TimeSpan.FromDays(1)),
        ("h", TimeSpan.FromHours(1)),
        ("m", TimeSpan.FromMinutes(1)),
        ("s", TimeSpan.FromSeconds(1)),
        ("ms", TimeSpan.FromMilliseconds(1)),
    ];

    [GeneratedRegex(@"^(?:(?<y>\d+)y)?(?:(?<w>\d+)w)?(?:(?<d>\d+)d)?(?:(?<h>\d+)h)?(?:(?<m>\d+)m)?(?:(?<s>\d+)s)?(?:(?<ms>\d+)ms)?$", RegexOptions.CultureInvariant)]
    private static partial Regex DurationPattern();
}
