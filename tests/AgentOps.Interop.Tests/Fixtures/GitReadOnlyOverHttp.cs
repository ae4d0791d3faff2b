namespace AgentOps.Interop.Tests.Fixtures;

/// <summary>The Git server in Streamable HTTP mode with <c>--read-only</c>, started once for a test class.</summary>
public sealed class GitReadOnlyOverHttp : IAsyncLifetime
{
    private HttpToolServer? _server;

    public HttpToolServer Server => _server ?? throw new InvalidOperationException("not started");

    public async Task InitializeAsync() => _server = await HttpToolServer.StartAsync(ServerUnderTest.GitAssembly, ServerUnderTest.GitId, ["--read-only"]);

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
