namespace AgentOps.Orchestration.Tools;

/// <summary>A tool server could not be started or reached. The run fails cleanly instead of crashing.</summary>
public sealed class ToolServerUnavailableException(string server, Exception inner)
    : InvalidOperationException($"tool server '{server}' is unavailable: {inner.Message}", inner)
{
    public string Server { get; } = server;
}
