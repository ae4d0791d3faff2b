namespace AgentOps.Tools.Prometheus.Tests;

/// <summary>
/// Two tool servers over stdio: one aimed at a closed loopback port, one at <see cref="StubPrometheus"/>. Small
/// timeouts and retry delays keep the faults fast; the generous hang guard only makes a hang fail instead of stall.
/// </summary>
public sealed class PrometheusBackendFaultTests(PrometheusBackendFaultTests.Servers servers) : IClassFixture<PrometheusBackendFaultTests.Servers>
{
    private const string Vector = """{"status":"success","data":{"resultType":"vector","result":[{"metric":{"__name__":"whoami"},"value":[1700000000,"1"]}]}}""";
    private static readonly TimeSpan s_hangGuard = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task QueryInstant_PrometheusUnreachable_IsErrorNamingTheEndpoint()
    {
        var sut = servers.Unreachable;

        var result = await sut.CallAsync("query_instant", new() { ["query"] = "up" }, sut.Token(PrometheusServerFixture.QueryScope)).WaitAsync(s_hangGuard);

        Assert.True(result.IsError == true);
        var text = ToolServerFixture.Text(result);
        Assert.Contains("is unreachable", text, StringComparison.Ordinal);
        Assert.Contains(servers.ClosedPortUrl.Authority, text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task QueryInstant_BackendAnswers500_RetriedThenClearError()
    {
        var result = await Query("fail_500");

        Assert.True(result.IsError == true);
        Assert.Contains("HTTP 500", ToolServerFixture.Text(result), StringComparison.Ordinal);
        Assert.Equal(1 + Servers.MaxRetries, servers.Stub.Hits("fail_500"));
    }

    [Fact]
    public async Task QueryInstant_BackendNeverAnswers_TimesOutWithClearError()
    {
        var result = await Query("hang");

        Assert.True(result.IsError == true);
        Assert.Contains("did not answer", ToolServerFixture.Text(result), StringComparison.Ordinal);
        Assert.True(servers.Stub.Hits("hang") >= 2, $"a timed-out read is retried; saw {servers.Stub.Hits("hang")} attempt(s)");
    }

    [Fact]
    public async Task QueryInstant_ErrorEnvelope_NotRetriedAndErrorTypeShown()
    {
        var result = await Query("bad_envelope");

        Assert.True(result.IsError == true);
        Assert.Contains("execution: many-to-many matching not allowed", ToolServerFixture.Text(result), StringComparison.Ordinal);
        Assert.Equal(1, servers.Stub.Hits("bad_envelope"));
    }

    [Fact]
    public async Task QueryInstant_NotPrometheusJson_IsErrorPointingAtBaseUrl()
    {
        var result = await Query("html");

        Assert.True(result.IsError == true);
        Assert.Contains("not its API's JSON envelope", ToolServerFixture.Text(result), StringComparison.Ordinal);
    }

    [Fact]
    public async Task QueryInstant_TokenFileConfigured_SendsBearerTokenAndNeverReturnsIt()
    {
        var result = await Query("whoami");

        Assert.True(result.IsError != true, ToolServerFixture.Text(result));
        var sample = Assert.Single(result.StructuredContent!.Value.GetProperty("samples").EnumerateArray());
        Assert.Equal("whoami", sample.GetProperty("metric").GetProperty("__name__").GetString());
        Assert.DoesNotContain(Servers.BackendToken, ToolServerFixture.Text(result), StringComparison.Ordinal);
        Assert.DoesNotContain(Servers.BackendToken, string.Join('\n', servers.Faulty.StandardError), StringComparison.Ordinal);
    }

    private async Task<ModelContextProtocol.Protocol.CallToolResult> Query(string query) =>
        await servers.Faulty.CallAsync("query_instant", new() { ["query"] = query }, servers.Faulty.Token(PrometheusServerFixture.QueryScope)).WaitAsync(s_hangGuard);

    public sealed class Servers : IAsyncLifetime
    {
        public const int MaxRetries = 2;
        public const string BackendToken = "prometheus-backend-test-token";

        private string? _tokenDirectory;

        public StubPrometheus Stub { get; private set; } = null!;

        public ToolServerFixture Faulty { get; private set; } = null!;

        public ToolServerFixture Unreachable { get; private set; } = null!;

        public Uri ClosedPortUrl { get; } = new($"http://127.0.0.1:{PrometheusProcess.FreeLoopbackPort()}/");

        public async Task InitializeAsync()
        {
            Stub = new StubPrometheus(new()
            {
                ["fail_500"] = _ => new StubAnswer(500, "text/html", "<html>upstream exploded</html>"),
                ["hang"] = _ => StubAnswer.Json(200, Vector) with { Delay = TimeSpan.FromSeconds(30) },
                ["bad_envelope"] = _ => StubAnswer.Json(422, """{"status":"error","errorType":"execution","error":"many-to-many matching not allowed"}"""),
                ["html"] = _ => new StubAnswer(200, "text/html", "<html>login</html>"),
                ["whoami"] = request => request.Headers["Authorization"] == $"Bearer {BackendToken}"
                    ? StubAnswer.Json(200, Vector)
                    : StubAnswer.Json(401, """{"status":"error","errorType":"unauthorized","error":"no or wrong bearer token"}"""),
            });
            _tokenDirectory = Path.Combine(Path.GetTempPath(), "agentops-prometheus-tests", Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(_tokenDirectory);
            var tokenFile = Path.Combine(_tokenDirectory, "token");
            await File.WriteAllTextAsync(tokenFile, BackendToken + "\n");
            string[] fast =
            [
                "--AgentOps:Prometheus:MaxRetries", MaxRetries.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "--AgentOps:Prometheus:RetryDelay", "00:00:00.010",
                // An attempt must outlast a loaded CI machine answering at once (500 ms once timed out a prompt 422, which
                // was then retried), yet let the hanging backend be retried within the total.
                "--AgentOps:Prometheus:AttemptTimeout", "00:00:02",
                "--AgentOps:Prometheus:TotalTimeout", "00:00:05",
            ];
            var starting = new[]
            {
                ToolServerFixture.StartAsync("AgentOps.Tools.Prometheus.dll", PrometheusServerFixture.ServerId,
                    ["--prometheus-url", Stub.BaseUrl.ToString(), "--prometheus-token-file", tokenFile, .. fast]),
                ToolServerFixture.StartAsync("AgentOps.Tools.Prometheus.dll", PrometheusServerFixture.ServerId,
                    ["--prometheus-url", ClosedPortUrl.ToString(), .. fast]),
            };
            var started = await Task.WhenAll(starting);
            (Faulty, Unreachable) = (started[0], started[1]);
        }

        public async Task DisposeAsync()
        {
            // Null when start-up failed; the start-up error is the one worth reading.
            if (Faulty is not null)
            {
                await Faulty.DisposeAsync();
            }
            if (Unreachable is not null)
            {
                await Unreachable.DisposeAsync();
            }
            if (Stub is not null)
            {
                await Stub.DisposeAsync();
            }
            if (_tokenDirectory is not null)
            {
                Directory.Delete(_tokenDirectory, recursive: true);
            }
        }
    }
}
