using Microsoft.Extensions.Hosting;

namespace AgentOps.Tools.Kubectl;

/// <summary>
/// Reads the kubeconfig and builds the client on a pool thread while the MCP client is still in its handshake, so
/// the first tool call does not pay for it. Start-up does not wait for it.
/// </summary>
internal sealed class KubernetesWarmUp(KubernetesConnection connection) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        _ = Task.Run(connection.WarmUp, CancellationToken.None);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
