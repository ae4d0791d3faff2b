using System.Diagnostics;
using System.Globalization;

namespace AgentOps.Benchmarks;

/// <summary>Shared helpers of the harness modes: per-call latency percentiles, and the machine's load to print beside them.</summary>
internal static class BenchmarkReport
{
    public static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";

    public static string Micro(double microseconds) => microseconds.ToString(microseconds < 10 ? "0.00" : "0.0", CultureInfo.InvariantCulture) + " µs";

    public static string Rate(double perSecond) => perSecond.ToString("N0", CultureInfo.InvariantCulture) + "/s";

    public static string Ratio(double value, double baseline) => (value / baseline).ToString("0.00", CultureInfo.InvariantCulture) + "x";

    public static double Seconds(long startTimestamp, long endTimestamp) => (endTimestamp - startTimestamp) / (double)Stopwatch.Frequency;
}

/// <summary>Per-call times in Stopwatch ticks, summarised as microseconds.</summary>
internal sealed class LatencySample(int capacity)
{
    private readonly long[] _ticks = new long[capacity];
    private int _count;
    private long _elapsedTotal;

    public void Add(long ticks) => _ticks[_count++] = ticks;

    /// <summary>Wall time of the whole timed loop, for calls per second including the loop and timer overhead.</summary>
    public void SetWallTime(long ticks) => _elapsedTotal = ticks;

    public int Count => _count;

    public double Percentile(double p)
    {
        var sorted = _ticks.AsSpan(0, _count).ToArray();
        Array.Sort(sorted);
        var index = (int)Math.Ceiling(p / 100.0 * sorted.Length) - 1;
        return ToMicroseconds(sorted[Math.Clamp(index, 0, sorted.Length - 1)]);
    }

    public double Mean => ToMicroseconds(_ticks.AsSpan(0, _count).ToArray().Average());

    public double PerSecond => _count / (_elapsedTotal / (double)Stopwatch.Frequency);

    private static double ToMicroseconds(double ticks) => ticks * 1_000_000.0 / Stopwatch.Frequency;
}
