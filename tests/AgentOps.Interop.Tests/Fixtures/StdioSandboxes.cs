namespace AgentOps.Interop.Tests.Fixtures;

/// <summary>
/// Key stores and data directories for the Git and Crossplane servers, shared by a test class. The client under test
/// launches the server itself, once per invocation, as Claude Desktop or the Inspector would.
/// </summary>
public sealed class StdioSandboxes : IDisposable
{
    public ToolServerSandbox Git { get; } = ToolServerSandbox.Create(ServerUnderTest.GitAssembly, ServerUnderTest.GitId);

    public ToolServerSandbox Crossplane { get; } = ToolServerSandbox.Create(ServerUnderTest.CrossplaneAssembly, ServerUnderTest.CrossplaneId);

    public void Dispose()
    {
        Git.Dispose();
        Crossplane.Dispose();
    }
}
