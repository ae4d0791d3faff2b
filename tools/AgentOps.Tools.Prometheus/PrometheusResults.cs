using System.ComponentModel;
using AgentOps.Tools.Hosting;

namespace AgentOps.Tools.Prometheus;

/// <summary>One element of an instant vector, or the single value of a scalar or string result (then with no labels).</summary>
public sealed record Sample(
    [property: Description("The series' labels, __name__ included")] IReadOnlyDictionary<string, string> Metric,
    [property: Description("The value as Prometheus writes it: a decimal, NaN, +Inf or -Inf; the text of a string result")] string? Value,
    [property: Description("Unix seconds")] double Timestamp);

public sealed record Point(
    [property: Description("Unix seconds")] double Timestamp,
    [property: Description("The value as Prometheus writes it: a decimal, NaN, +Inf or -Inf")] string? Value);

/// <summary>One series of a range vector, with its points in time order.</summary>
public sealed record Series(IReadOnlyDictionary<string, string> Metric, IReadOnlyList<Point> Points);

/// <summary>
/// An instant query's result. A vector fills <see cref="Samples"/>, a scalar or string is one label-less sample there,
/// a range vector (<c>up[5m]</c>) fills <see cref="Series"/>.
/// </summary>
public sealed record InstantQueryResult(
    [property: Description("vector, matrix, scalar or string")] string ResultType,
    string Query,
    DateTimeOffset Time,
    IReadOnlyList<Sample> Samples,
    IReadOnlyList<Series> Series,
    [property: Description("Samples or series Prometheus returned, before truncation")] int Total,
    [property: Description("True when results past the sample budget were left out")] bool Truncated,
    IReadOnlyList<string> Warnings);

public sealed record RangeQueryResult(
    [property: Description("Always matrix")] string ResultType,
    string Query,
    DateTimeOffset Start,
    DateTimeOffset End,
    [property: Description("Resolution step, in seconds")] double StepSeconds,
    IReadOnlyList<Series> Series,
    [property: Description("Series Prometheus returned, before truncation")] int Total,
    [property: Description("True when series past the sample budget were left out")] bool Truncated,
    IReadOnlyList<string> Warnings);

/// <summary>An active alert. Annotations are written by whoever wrote the rule, and templated with label values: untrusted.</summary>
public sealed record Alert(
    [property: Description("The alertname label")] string Name,
    [property: Description("firing or pending")] string State,
    IReadOnlyDictionary<string, string> Labels,
    IReadOnlyDictionary<string, UntrustedText> Annotations,
    DateTimeOffset? ActiveAt,
    string? Value);

public sealed record AlertList(IReadOnlyList<Alert> Alerts, int Firing, int Pending);

public sealed record Rule(
    [property: Description("alerting or recording")] string Type,
    string Name,
    [property: Description("The rule's PromQL expression")] string Query,
    [property: Description("ok, err or unknown")] string Health,
    string? LastError,
    [property: Description("Alerting rules: inactive, pending or firing")] string? State,
    [property: Description("Alerting rules: the 'for' duration, in seconds")] double? ForSeconds,
    IReadOnlyDictionary<string, string> Labels,
    IReadOnlyDictionary<string, UntrustedText> Annotations,
    [property: Description("Alerting rules: how many alerts the rule has pending or firing")] int ActiveAlerts,
    DateTimeOffset? LastEvaluation);

public sealed record RuleGroup(string Name, string File, double IntervalSeconds, IReadOnlyList<Rule> Rules);

public sealed record RuleList(IReadOnlyList<RuleGroup> Groups);

/// <summary>What a metric is. Help text comes from whatever exporter exposes the metric: untrusted.</summary>
public sealed record MetricMetadata(
    string Metric,
    [property: Description("counter, gauge, histogram, summary, info, stateset or unknown; null when Prometheus has no metadata")] string? Type,
    string? Unit,
    UntrustedText? Help);

public sealed record SeriesMetadata(
    IReadOnlyList<string> Match,
    DateTimeOffset Start,
    DateTimeOffset End,
    [property: Description("Label sets of the matching series")] IReadOnlyList<IReadOnlyDictionary<string, string>> Series,
    [property: Description("Series Prometheus returned, before truncation")] int Total,
    bool Truncated,
    [property: Description("Metadata of the distinct metric names among the series")] IReadOnlyList<MetricMetadata> Metrics);

public sealed record Target(
    string ScrapePool,
    string ScrapeUrl,
    [property: Description("up, down or unknown")] string Health,
    IReadOnlyDictionary<string, string> Labels,
    DateTimeOffset? LastScrape,
    double? LastScrapeDurationSeconds,
    [property: Description("The last scrape's error; it can quote the target's own output, so it is untrusted")] UntrustedText? LastError);

public sealed record TargetList(IReadOnlyList<Target> Targets, int Up, int Down);
