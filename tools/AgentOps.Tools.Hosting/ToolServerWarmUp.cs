using Microsoft.Extensions.Hosting;

namespace AgentOps.Tools.Hosting;

/// <summary>
/// Compiles the redaction patterns before the transport starts, so the first result of a fresh process is not the
/// one that pays for it (under load that cost alone exceeded the pattern timeout and withheld a valid result).
/// </summary>
internal sealed class OutputHygieneWarmUp(OutputHygiene hygiene) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        hygiene.WarmUp();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
