using System.Globalization;
using System.Text.Json;
using AgentOps.Tools.Hosting;
using ModelContextProtocol;

namespace AgentOps.Tools.Prometheus;

/// <summary>
/// Turns the <c>data</c> of Prometheus API answers into the tools' result records. Free text written outside this
/// server — annotations, metric help, scrape errors — comes back as <see cref="UntrustedText"/>.
/// </summary>
internal sealed class PrometheusReader(OutputHygiene hygiene)
{
    public const string AlertAnnotations = "alert-annotations";
    public const string RuleAnnotations = "rule-annotations";
    public const string MetricHelp = "metric-help";
    public const string ScrapeError = "scrape-error";

    /// <summary>A query result, keeping whole samples or series up to <paramref name="budget"/> samples (always the first series).</summary>
    public QueryData Query(JsonElement data, int budget) => Guard("query result", () =>
    {
        var resultType = data.GetProperty("resultType").GetString() ?? "unknown";
        var result = data.GetProperty("result");
        switch (resultType)
        {
            case "vector":
                var samples = result.EnumerateArray().Select(s => new Sample(Labels(s, "metric"), SampleValue(s.GetProperty("value")), SampleTime(s.GetProperty("value")))).ToList();
                return new QueryData(resultType, samples.Take(budget).ToArray(), [], samples.Count, samples.Count > budget);
            case "matrix":
                var all = result.EnumerateArray().ToArray();
                var kept = new List<Series>();
                var spent = 0;
                foreach (var element in all)
                {
                    var points = element.TryGetProperty("values", out var values)
                        ? values.EnumerateArray().Select(p => new Point(SampleTime(p), SampleValue(p))).ToArray()
                        : [];
                    if (kept.Count > 0 && spent + points.Length > budget)
                    {
                        break;
                    }
                    kept.Add(new Series(Labels(element, "metric"), points));
                    spent += points.Length;
                }
                return new QueryData(resultType, [], kept, all.Length, kept.Count < all.Length);
            case "scalar" or "string":
                return new QueryData(resultType, [new Sample(new Dictionary<string, string>(), SampleValue(result), SampleTime(result))], [], 1, false);
            default:
                throw new McpException($"Prometheus answered with result type '{resultType}', which this server does not know.");
        }
    });

    public AlertList Alerts(JsonElement data, string? state) => Guard("alerts", () =>
    {
        var alerts = data.GetProperty("alerts").EnumerateArray().Select(a =>
        {
            var labels = Labels(a, "labels");
            return new Alert(
                labels.GetValueOrDefault("alertname", string.Empty),
                Text(a, "state") ?? "unknown",
                labels,
                Annotations(a, AlertAnnotations),
                Time(a, "activeAt"),
                Text(a, "value"));
        }).ToList();
        var shown = state is null ? alerts : alerts.Where(a => a.State == state).ToList();
        return new AlertList(shown, alerts.Count(a => a.State == "firing"), alerts.Count(a => a.State == "pending"));
    });

    public RuleList Rules(JsonElement data) => Guard("rules", () =>
        new RuleList(data.GetProperty("groups").EnumerateArray().Select(g => new RuleGroup(
            Text(g, "name") ?? string.Empty,
            Text(g, "file") ?? string.Empty,
            Number(g, "interval") ?? 0,
            g.GetProperty("rules").EnumerateArray().Select(r => new Rule(
                Text(r, "type") ?? "unknown",
                Text(r, "name") ?? string.Empty,
                Text(r, "query") ?? string.Empty,
                Text(r, "health") ?? "unknown",
                NullIfEmpty(Text(r, "lastError")),
                Text(r, "state"),
                Number(r, "duration"),
                Labels(r, "labels"),
                Annotations(r, RuleAnnotations),
                r.TryGetProperty("alerts", out var active) && active.ValueKind == JsonValueKind.Array ? active.GetArrayLength() : 0,
                Time(r, "lastEvaluation"))).ToArray())).ToArray()));

    public IReadOnlyList<IReadOnlyDictionary<string, string>> Series(JsonElement data) => Guard("series", () =>
        data.EnumerateArray().Select(IReadOnlyDictionary<string, string> (s) => LabelObject(s)).ToArray());

    /// <summary>Metadata of one metric; Prometheus keeps one entry per distinct (type, help, unit) seen across targets.</summary>
    public IReadOnlyList<MetricMetadata> Metadata(JsonElement data, string metric) => Guard("metadata", () =>
        data.TryGetProperty(metric, out var entries) && entries.GetArrayLength() > 0
            ? entries.EnumerateArray().Select(e => new MetricMetadata(
                metric,
                Text(e, "type"),
                NullIfEmpty(Text(e, "unit")),
                Text(e, "help") is { Length: > 0 } help ? hygiene.Untrusted(MetricHelp, help) : null)).ToArray()
            : [new MetricMetadata(metric, null, null, null)]);

    public TargetList Targets(JsonElement data) => Guard("targets", () =>
    {
        var targets = data.GetProperty("activeTargets").EnumerateArray().Select(t => new Target(
            Text(t, "scrapePool") ?? string.Empty,
            Text(t, "scrapeUrl") ?? string.Empty,
            Text(t, "health") ?? "unknown",
            Labels(t, "labels"),
            Time(t, "lastScrape"),
            Number(t, "lastScrapeDuration"),
            Text(t, "lastError") is { Length: > 0 } error ? hygiene.Untrusted(ScrapeError, error) : null)).ToArray();
        return new TargetList(targets, targets.Count(t => t.Health == "up"), targets.Count(t => t.Health == "down"));
    });

    private Dictionary<string, UntrustedText> Annotations(JsonElement element, string origin) =>
        element.TryGetProperty("annotations", out var annotations) && annotations.ValueKind == JsonValueKind.Object
            ? annotations.EnumerateObject().ToDictionary(p => p.Name, p => hygiene.Untrusted(origin, p.Value.ToString()), StringComparer.Ordinal)
            : [];

    private static Dictionary<string, string> Labels(JsonElement element, string property) =>
        element.TryGetProperty(property, out var labels) && labels.ValueKind == JsonValueKind.Object ? LabelObject(labels) : [];

    private static Dictionary<string, string> LabelObject(JsonElement labels) =>
        labels.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.ToString(), StringComparer.Ordinal);

    // A sample is [<unix seconds>, "<value>"].
    private static double SampleTime(JsonElement pair) => pair[0].GetDouble();

    private static string? SampleValue(JsonElement pair) => pair.GetArrayLength() > 1 ? pair[1].GetString() : null;

    private static string? Text(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind != JsonValueKind.Null ? value.ToString() : null;

    private static double? Number(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetDouble() : null;

    private static DateTimeOffset? Time(JsonElement element, string property) =>
        Text(element, property) is { } text && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time)
            && time.Year > 1
            ? time
            : null;

    private static string? NullIfEmpty(string? text) => string.IsNullOrEmpty(text) ? null : text;

    // JsonElement throws InvalidOperationException or KeyNotFoundException on a shape it did not expect; a proxy or
    // another Prometheus version answering differently must still give the caller a clear error.
    private static T Guard<T>(string what, Func<T> read)
    {
        try
        {
            return read();
        }
        catch (Exception ex) when (ex is InvalidOperationException or KeyNotFoundException or IndexOutOfRangeException or FormatException)
        {
            throw new McpException($"Prometheus answered {what} in a shape this server does not understand ({ex.Message}).", ex);
        }
    }
}

internal sealed record QueryData(string ResultType, IReadOnlyList<Sample> Samples, IReadOnlyList<Series> Series, int Total, bool Truncated);
