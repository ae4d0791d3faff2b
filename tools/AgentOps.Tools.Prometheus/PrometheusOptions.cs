using System.ComponentModel.DataAnnotations;

namespace AgentOps.Tools.Prometheus;

/// <summary>Where Prometheus is and how hard to try. Bound from <c>AgentOps:Prometheus</c>.</summary>
public sealed class PrometheusOptions
{
    public const string SectionName = "AgentOps:Prometheus";

    /// <summary>The Prometheus server, e.g. <c>http://prometheus.monitoring:9090/</c>; a path prefix is kept. <value>Required.</value></summary>
    [Required]
    public string BaseUrl { get; set; } = string.Empty;

    /// <summary>Bearer token sent to Prometheus (or to the proxy in front of it). Never logged or returned. <value>Default: none.</value></summary>
    public string? Token { get; set; }

    /// <summary>File holding the bearer token, read on every request so a rotated token is picked up. Wins over <see cref="Token"/>. <value>Default: none.</value></summary>
    public string? TokenFile { get; set; }

    /// <summary>How long one HTTP attempt may take; also sent to Prometheus as the query <c>timeout</c>. <value>Default: 10 s.</value></summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:10:00")]
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long one tool call may spend on Prometheus, retries included. <value>Default: 30 s.</value></summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:30:00")]
    public TimeSpan TotalTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Retries after a transient failure (connection error, timeout, 408, 429, 5xx). Every call is a read, so retrying is safe. <value>Default: 2.</value></summary>
    [Range(0, 10)]
    public int MaxRetries { get; set; } = 2;

    /// <summary>Delay before the first retry; later ones back off exponentially with jitter. <value>Default: 200 ms.</value></summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Most points per series a range query may ask for; Prometheus itself refuses more than 11,000. <value>Default: 11000.</value></summary>
    [Range(2, 11_000)]
    public int MaxPoints { get; set; } = 11_000;

    /// <summary>
    /// Most samples (vector elements, or points summed over series) one result returns; whole series past the budget
    /// are left out and the result says so. <value>Default: 20000.</value>
    /// </summary>
    [Range(1, 1_000_000)]
    public int MaxSamples { get; set; } = 20_000;

    /// <summary>Largest response body read from Prometheus. <value>Default: 16 MiB.</value></summary>
    [Range(1024, 512L * 1024 * 1024)]
    public long MaxResponseBytes { get; set; } = 16L * 1024 * 1024;

    /// <summary>Most distinct metric names <c>series_metadata</c> looks up metadata for. <value>Default: 20.</value></summary>
    [Range(0, 500)]
    public int MaxMetadataMetrics { get; set; } = 20;
}
