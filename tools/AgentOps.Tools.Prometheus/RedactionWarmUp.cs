using System.Text.RegularExpressions;
using AgentOps.Tools.Hosting;
using Microsoft.Extensions.Hosting;

namespace AgentOps.Tools.Prometheus;

/// <summary>
/// Runs every redaction pattern at start-up. Patterns with lookarounds are compiled regexes whose first match includes
/// JIT time inside the 200 ms regex timeout: on a busy machine the first tool result of a fresh process failed with a
/// generic error (the hygiene filter fails closed on a timeout). Warming up moves that cost out of the first call.
/// </summary>
internal sealed class RedactionWarmUp(OutputHygiene hygiene) : IHostedService
{
    private const int Attempts = 3;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        for (var attempt = 1; attempt <= Attempts; attempt++)
        {
            try
            {
                _ = hygiene.Redact("warm-up: token ghp_0000 key=value password: x");
                break;
            }
            catch (RegexMatchTimeoutException)
            {
                // The timeout fires after the code is compiled, so the next attempt is the fast one. Starting anyway is
                // right: a later timeout still fails closed.
            }
        }
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
