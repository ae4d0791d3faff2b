namespace AgentOps.Tools.Prometheus.Tests;

/// <summary>
/// One real Prometheus and one Prometheus tool server (a child process over stdio) pointed at it, shared by every test
/// in the <see cref="PrometheusCollection"/>: starting Prometheus takes seconds, a fresh token per call costs nothing.
/// </summary>
public sealed class PrometheusServerFixture : IAsyncLifetime
{
    public const string ServerId = "spiffe://agentops.local/tool/prometheus";
    public const string QueryScope = "prometheus:query:metrics";

    private PrometheusProcess? _prometheus;
    private ToolServerFixture? _server;

    public PrometheusProcess Prometheus => _prometheus ?? throw new InvalidOperationException("The fixture is not initialised.");

    public ToolServerFixture Server => _server ?? throw new InvalidOperationException("The fixture is not initialised.");

    public async Task InitializeAsync()
    {
        _prometheus = await PrometheusProcess.StartAsync();
        _server = await ToolServerFixture.StartAsync("AgentOps.Tools.Prometheus.dll", ServerId, "--prometheus-url", _prometheus.BaseUrl.ToString());
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
        if (_prometheus is not null)
        {
            await _prometheus.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class PrometheusCollection : ICollectionFixture<PrometheusServerFixture>
{
    public const string Name = "real prometheus";
}
