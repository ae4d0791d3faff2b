using System.Text.Json;
using ModelContextProtocol.Protocol;

namespace AgentOps.Tools.Prometheus.Tests;

/// <summary>The Prometheus tool server as a child process, against a real Prometheus that scrapes itself and evaluates a small rule file.</summary>
[Collection(PrometheusCollection.Name)]
public sealed class PrometheusToolServerTests(PrometheusServerFixture fixture)
{
    private readonly ToolServerFixture _sut = fixture.Server;
    private readonly PrometheusProcess _prometheus = fixture.Prometheus;

    [Fact]
    public async Task ToolsList_EveryTool_ReadOnlyIdempotentNotDestructiveWithOutputSchema()
    {
        var tools = await _sut.Client.ListToolsAsync();

        Assert.Equal(
            ["alerts_list", "query_instant", "query_range", "rules_list", "series_metadata", "targets_list"],
            tools.Select(t => t.Name).Order(StringComparer.Ordinal));
        Assert.All(tools, t =>
        {
            Assert.True(t.ProtocolTool.Annotations!.ReadOnlyHint, t.Name);
            Assert.False(t.ProtocolTool.Annotations.DestructiveHint, t.Name);
            Assert.True(t.ProtocolTool.Annotations.IdempotentHint, t.Name);
            Assert.NotNull(t.ProtocolTool.OutputSchema);
            Assert.Contains("Scope: prometheus:", t.Description, StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task QueryInstant_Up_ReturnsSelfScrapeWithValueOne()
    {
        var result = await Call("query_instant", new() { ["query"] = "up" });

        var data = Structured(result);
        Assert.Equal("vector", data.GetProperty("resultType").GetString());
        var sample = Assert.Single(data.GetProperty("samples").EnumerateArray());
        Assert.Equal("up", sample.GetProperty("metric").GetProperty("__name__").GetString());
        Assert.Equal(PrometheusProcess.Job, sample.GetProperty("metric").GetProperty("job").GetString());
        Assert.Equal(_prometheus.Instance, sample.GetProperty("metric").GetProperty("instance").GetString());
        Assert.Equal("1", sample.GetProperty("value").GetString());
        Assert.True(sample.GetProperty("timestamp").GetDouble() > 0);
        Assert.False(data.GetProperty("truncated").GetBoolean());
        Assert.False(result.Meta?.ContainsKey("io.agentops/trust") ?? false, "a plain query result holds no untrusted text");
    }

    [Fact]
    public async Task QueryInstant_ScalarExpression_ReturnsOneLabelLessSample()
    {
        var result = await Call("query_instant", new() { ["query"] = "2 * 21" });

        var data = Structured(result);
        Assert.Equal("scalar", data.GetProperty("resultType").GetString());
        var sample = Assert.Single(data.GetProperty("samples").EnumerateArray());
        Assert.Equal("42", sample.GetProperty("value").GetString());
        Assert.Empty(sample.GetProperty("metric").EnumerateObject());
    }

    [Fact]
    public async Task QueryInstant_AtTimeBeforeAnyData_ReturnsEmptyVector()
    {
        var result = await Call("query_instant", new() { ["query"] = "up", ["time"] = "2001-01-01T00:00:00Z" });

        var data = Structured(result);
        Assert.Equal("vector", data.GetProperty("resultType").GetString());
        Assert.Empty(data.GetProperty("samples").EnumerateArray());
        Assert.Equal(new DateTimeOffset(2001, 1, 1, 0, 0, 0, TimeSpan.Zero), data.GetProperty("time").GetDateTimeOffset());
    }

    [Fact]
    public async Task QueryInstant_BadPromQL_IsErrorWithBadData()
    {
        var result = await _sut.CallAsync("query_instant", new() { ["query"] = "sum(up" }, _sut.Token(PrometheusServerFixture.QueryScope));

        Assert.True(result.IsError == true);
        var text = ToolServerFixture.Text(result);
        Assert.Contains("bad_data", text, StringComparison.Ordinal);
        Assert.Contains("parse error", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task QueryInstant_UnparsableTime_IsErrorNamingTheFormats()
    {
        var result = await _sut.CallAsync("query_instant", new() { ["query"] = "up", ["time"] = "yesterday" }, _sut.Token(PrometheusServerFixture.QueryScope));

        Assert.True(result.IsError == true);
        Assert.Contains("'yesterday' is not a time", ToolServerFixture.Text(result), StringComparison.Ordinal);
    }

    [Fact]
    public async Task QueryRange_Up_ReturnsPointsInTimeOrder()
    {
        var result = await Call("query_range", new() { ["query"] = "up", ["start"] = "now-2m", ["end"] = "now", ["step"] = "1s" });

        var data = Structured(result);
        Assert.Equal("matrix", data.GetProperty("resultType").GetString());
        Assert.Equal(1, data.GetProperty("stepSeconds").GetDouble());
        var series = Assert.Single(data.GetProperty("series").EnumerateArray());
        Assert.Equal(_prometheus.Instance, series.GetProperty("metric").GetProperty("instance").GetString());
        var points = series.GetProperty("points").EnumerateArray().ToArray();
        Assert.NotEmpty(points);
        Assert.All(points, p => Assert.Equal("1", p.GetProperty("value").GetString()));
        var timestamps = points.Select(p => p.GetProperty("timestamp").GetDouble()).ToArray();
        Assert.Equal(timestamps.Order(), timestamps);
        Assert.True(points.Length <= 121, $"{points.Length} points for two minutes at 1s");
    }

    [Fact]
    public async Task QueryRange_TooManyPoints_RefusedWithStepHint()
    {
        var result = await _sut.CallAsync(
            "query_range",
            new() { ["query"] = "up", ["start"] = "now-1d", ["end"] = "now", ["step"] = "1s" },
            _sut.Token(PrometheusServerFixture.QueryScope));

        Assert.True(result.IsError == true);
        var text = ToolServerFixture.Text(result);
        Assert.Contains("86401 points per series", text, StringComparison.Ordinal);
        Assert.Contains("11,000", text, StringComparison.Ordinal);
        Assert.Contains("step of at least 8s", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task QueryRange_EndBeforeStart_IsError()
    {
        var result = await _sut.CallAsync(
            "query_range",
            new() { ["query"] = "up", ["start"] = "now-1m", ["end"] = "now-2m" },
            _sut.Token(PrometheusServerFixture.QueryScope));

        Assert.True(result.IsError == true);
        Assert.Contains("is before start", ToolServerFixture.Text(result), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AlertsList_FiringAlert_AnnotationsUntrustedAndTokenRedacted()
    {
        var result = await _sut.CallAsync("alerts_list", [], _sut.Token("prometheus:read:alerts"));

        Assert.True(result.IsError != true, ToolServerFixture.Text(result));
        Assert.Equal("untrusted", result.Meta?["io.agentops/trust"]?.GetValue<string>());
        var data = Structured(result);
        var alert = Assert.Single(data.GetProperty("alerts").EnumerateArray(), a => a.GetProperty("name").GetString() == PrometheusProcess.FiringAlert);
        Assert.Equal("firing", alert.GetProperty("state").GetString());
        Assert.Equal("warning", alert.GetProperty("labels").GetProperty("severity").GetString());
        Assert.True(data.GetProperty("firing").GetInt32() >= 1);
        var summary = alert.GetProperty("annotations").GetProperty("summary");
        Assert.Equal("untrusted", summary.GetProperty("trust").GetString());
        Assert.Equal("alert-annotations", summary.GetProperty("origin").GetString());
        Assert.Contains(PrometheusProcess.InjectionText, summary.GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Contains("[REDACTED:github-token]", summary.GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain(PrometheusProcess.FakeGitHubToken, data.GetRawText(), StringComparison.Ordinal);
        Assert.DoesNotContain(PrometheusProcess.FakeGitHubToken, ToolServerFixture.Text(result), StringComparison.Ordinal);
        Assert.DoesNotContain(PrometheusProcess.FakeGitHubToken, string.Join('\n', _sut.StandardError), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AlertsList_PendingOnly_LeavesFiringAlertOut()
    {
        var result = await Call("alerts_list", new() { ["state"] = "pending" }, "prometheus:read:alerts");

        var data = Structured(result);
        Assert.DoesNotContain(data.GetProperty("alerts").EnumerateArray(), a => a.GetProperty("name").GetString() == PrometheusProcess.FiringAlert);
        Assert.True(data.GetProperty("firing").GetInt32() >= 1, "the counts cover every active alert, whatever the filter");
    }

    [Fact]
    public async Task RulesList_All_ShowsRecordingAndAlertingRules()
    {
        var result = await Call("rules_list", [], "prometheus:read:rules");

        Assert.Equal("untrusted", result.Meta?["io.agentops/trust"]?.GetValue<string>());
        var rules = Rules(result);
        var recording = Assert.Single(rules, r => r.GetProperty("name").GetString() == PrometheusProcess.RecordingRule);
        Assert.Equal("recording", recording.GetProperty("type").GetString());
        Assert.Equal("sum by (job) (up)", recording.GetProperty("query").GetString());
        var firing = Assert.Single(rules, r => r.GetProperty("name").GetString() == PrometheusProcess.FiringAlert);
        Assert.Equal("alerting", firing.GetProperty("type").GetString());
        Assert.Equal("firing", firing.GetProperty("state").GetString());
        Assert.Equal(1, firing.GetProperty("activeAlerts").GetInt32());
        Assert.Equal("untrusted", firing.GetProperty("annotations").GetProperty("summary").GetProperty("trust").GetString());
        var latency = Assert.Single(rules, r => r.GetProperty("name").GetString() == PrometheusProcess.LatencyAlert);
        Assert.Equal("inactive", latency.GetProperty("state").GetString());
        Assert.Equal(300, latency.GetProperty("forSeconds").GetDouble());
        Assert.Equal("payments", latency.GetProperty("labels").GetProperty("team").GetString());
        Assert.DoesNotContain(PrometheusProcess.FakeGitHubToken, Structured(result).GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RulesList_TypeRecord_OnlyRecordingRules()
    {
        var result = await Call("rules_list", new() { ["type"] = "record" }, "prometheus:read:rules");

        var rules = Rules(result);
        Assert.NotEmpty(rules);
        Assert.All(rules, r => Assert.Equal("recording", r.GetProperty("type").GetString()));
        Assert.Contains(rules, r => r.GetProperty("name").GetString() == PrometheusProcess.RecordingRule);
    }

    [Fact]
    public async Task RulesList_UnknownType_IsError()
    {
        var result = await _sut.CallAsync("rules_list", new() { ["type"] = "silence" }, _sut.Token("prometheus:read:rules"));

        Assert.True(result.IsError == true);
        Assert.Contains("use alert or record", ToolServerFixture.Text(result), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SeriesMetadata_TwoSelectors_ReturnsSeriesAndMetricMetadata()
    {
        var result = await Call("series_metadata", new() { ["match"] = new[] { "up", "prometheus_build_info" } });

        var data = Structured(result);
        var names = data.GetProperty("series").EnumerateArray().Select(s => s.GetProperty("__name__").GetString()).ToHashSet();
        Assert.Equal(["prometheus_build_info", "up"], names.Order(StringComparer.Ordinal));
        var metrics = data.GetProperty("metrics").EnumerateArray().ToDictionary(m => m.GetProperty("metric").GetString()!);
        Assert.Equal("gauge", metrics["prometheus_build_info"].GetProperty("type").GetString());
        var help = metrics["prometheus_build_info"].GetProperty("help");
        Assert.Equal("untrusted", help.GetProperty("trust").GetString());
        Assert.Equal("metric-help", help.GetProperty("origin").GetString());
        Assert.False(string.IsNullOrWhiteSpace(help.GetProperty("text").GetString()));
        // up is synthesised by Prometheus, not scraped: it has no metadata, and the result says so rather than guessing.
        Assert.False(metrics["up"].TryGetProperty("type", out var upType) && upType.ValueKind != JsonValueKind.Null, $"up has type {upType}");
        Assert.Equal("untrusted", result.Meta?["io.agentops/trust"]?.GetValue<string>());
    }

    [Fact]
    public async Task SeriesMetadata_NoSelector_IsError()
    {
        var result = await _sut.CallAsync("series_metadata", new() { ["match"] = Array.Empty<string>() }, _sut.Token(PrometheusServerFixture.QueryScope));

        Assert.True(result.IsError == true);
        Assert.Contains("at least one series selector", ToolServerFixture.Text(result), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TargetsList_SelfScrape_IsUp()
    {
        var result = await Call("targets_list", [], "prometheus:read:targets");

        var data = Structured(result);
        var target = Assert.Single(data.GetProperty("targets").EnumerateArray());
        Assert.Equal(PrometheusProcess.Job, target.GetProperty("scrapePool").GetString());
        Assert.Equal("up", target.GetProperty("health").GetString());
        Assert.Equal($"http://{_prometheus.Instance}/metrics", target.GetProperty("scrapeUrl").GetString());
        Assert.Equal(1, data.GetProperty("up").GetInt32());
    }

    private async Task<CallToolResult> Call(string tool, Dictionary<string, object?> arguments, string scope = PrometheusServerFixture.QueryScope)
    {
        var result = await _sut.CallAsync(tool, arguments, _sut.Token(scope));
        // The server's recent stderr says why when the message is the SDK's generic one.
        Assert.True(result.IsError != true, $"{ToolServerFixture.Text(result)}\n{string.Join('\n', _sut.StandardError.TakeLast(40))}");
        return result;
    }

    private static JsonElement Structured(CallToolResult result) =>
        result.StructuredContent ?? throw new Xunit.Sdk.XunitException("the result has no structured content: " + ToolServerFixture.Text(result));

    private static JsonElement[] Rules(CallToolResult result) =>
        Structured(result).GetProperty("groups").EnumerateArray().SelectMany(g => g.GetProperty("rules").EnumerateArray()).ToArray();
}
