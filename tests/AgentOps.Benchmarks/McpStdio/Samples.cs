using System.Globalization;

namespace AgentOps.Benchmarks.McpStdio;

/// <summary>Durations of one kind, in milliseconds, with nearest-rank percentiles.</summary>
internal sealed class Samples
{
    private readonly List<double> _values = [];

    public int Count => _values.Count;

    public void Add(TimeSpan duration) => _values.Add(duration.TotalMilliseconds);

    /// <summary>The nearest-rank percentile: the smallest sample with at least <paramref name="percent"/>% of samples at or below it.</summary>
    public double Percentile(double percent)
    {
        if (_values.Count == 0)
        {
            throw new InvalidOperationException("no samples");
        }
        var sorted = _values.Order().ToArray();
        var rank = (int)Math.Ceiling(percent / 100 * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }

    public double Median => Percentile(50);

    public double Min => _values.Min();

    public double Max => _values.Max();

    public static string Ms(double value) => value.ToString(value < 10 ? "0.00" : "0.0", CultureInfo.InvariantCulture) + " ms";
}
