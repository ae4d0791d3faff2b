using System.Text.Json.Nodes;

namespace AgentOps.Orchestration.Tools;

/// <summary>The executor's only way to reach a tool server. Every call carries a delegated token.</summary>
public interface IToolGateway : IAsyncDisposable
{
    string ServerIdOf(string server);

    /// <summary>Starts the named servers now, side by side, instead of one after the other on first use.</summary>
    Task WarmUpAsync(IEnumerable<string> servers, CancellationToken cancellationToken = default);

    Task<ToolDescriptor?> DescribeAsync(string server, string tool, CancellationToken cancellationToken = default);

    Task<ToolCallOutcome> CallAsync(string server, string tool, JsonObject arguments, string credential, CancellationToken cancellationToken = default);
}
