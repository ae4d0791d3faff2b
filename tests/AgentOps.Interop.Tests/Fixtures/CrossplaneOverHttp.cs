namespace AgentOps.Interop.Tests.Fixtures;

/// <summary>The Crossplane server in Streamable HTTP mode, started once for a test class.</summary>
public sealed class CrossplaneOverHttp : IAsyncLifetime
{
    private HttpToolServer? _server;

    public HttpToolServer Server => _server ?? throw new InvalidOperationException("not started");

    public async Task InitializeAsync() => _server = await HttpToolServer.StartAsync(ServerUnderTest.CrossplaneAssembly, ServerUnderTest.CrossplaneId);

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
