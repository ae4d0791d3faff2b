using System.Text.Json.Nodes;

namespace AgentOps.Orchestration.Tools;

/// <summary>The executor's only way to reach a tool server. Every call carries a delegated token.</summary>
public interface IToolGateway : IAsyncDisposable
{
    string ServerIdOf(string server);

    /// <summary>Every configured server, ours and third-party, in name order; nothing is started.</summary>
    IReadOnlyList<ToolServerInfo> Servers { get; }

    /// <summary>The tools the server advertises in <c>tools/list</c>, in name order; starts the server if needed.</summary>
    /// <exception cref="ToolServerUnavailableException">The server could not be started or reached.</exception>
    Task<IReadOnlyList<ToolDescriptor>> ListToolsAsync(string server, CancellationToken cancellationToken = default);

    /// <summary>Starts the named servers now, side by side, instead of one after the other on first use.</summary>
    Task WarmUpAsync(IEnumerable<string> servers, CancellationToken cancellationToken = default);

    Task<ToolDescriptor?> DescribeAsync(string server, string tool, CancellationToken cancellationToken = default);

    Task<ToolCallOutcome> CallAsync(string server, string tool, JsonObject arguments, string credential, CancellationToken cancellationToken = default);
}
