using AgentOps.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace AgentOps.Tools.Hosting;

/// <summary>
/// Builds what every call needs — the redaction patterns (and runs each once) and the credential verifier with its
/// keys — on a pool thread while the client is still in its handshake. Start-up does not wait for it, so the
/// transport answers <c>initialize</c> sooner; a call that arrives first waits for <see cref="Ready"/> instead, so the
/// first result still never pays for compiling a pattern inside its timeout (under load that alone once withheld a
/// valid result).
/// </summary>
internal sealed class ToolServerWarmUp(IServiceProvider services) : IHostedService
{
    private Task _ready = Task.CompletedTask;

    /// <summary>Completes when the warm-up has run; it never faults (a failure surfaces on the call that needs the service).</summary>
    public Task Ready => _ready;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _ready = Task.Run(WarmUp, CancellationToken.None);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private void WarmUp()
    {
        try
        {
            services.GetRequiredService<OutputHygiene>().WarmUp();
            _ = services.GetRequiredService<DelegatedTokenVerifier>();
        }
#pragma warning disable CA1031 // The same resolution runs again on the call that needs it, and fails there with its own error.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }
}
