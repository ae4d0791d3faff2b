using System.Text.RegularExpressions;
using AgentOps.Tools.Hosting;
using Microsoft.Extensions.Hosting;

namespace AgentOps.Tools.ArgoCD;

/// <summary>
/// Runs every redaction pattern before the server takes calls. A compiled pattern's first match JIT-compiles it
/// inside that match's 200 ms timeout (measured: 324 ms for the password-assignment pattern on a busy machine), so
/// without this the first tool call of a fresh process could fail closed on a harmless answer.
/// </summary>
internal sealed class RedactionWarmUp(OutputHygiene hygiene) : IHostedService
{
    private const string Sample = "warm-up: password=warm-up-1 token: Bearer abcdefghij0123456789 https://u:p4ss@example.com AKIAABCDEFGHIJKLMNOP";

    // Each timed-out pass has still compiled the pattern that timed out, so a few passes warm them all.
    private const int MaxPasses = 20;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        Run(hygiene, cancellationToken);
        return Task.CompletedTask;
    }

    /// <summary>Runs the patterns until one pass completes in time (or gives up after a few): they are compiled after it.</summary>
    public static void Run(OutputHygiene hygiene, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(hygiene);
        for (var pass = 0; pass < MaxPasses && !cancellationToken.IsCancellationRequested; pass++)
        {
            try
            {
                _ = hygiene.Redact(Sample);
                return;
            }
            catch (RegexMatchTimeoutException)
            {
                // Compiled now; the next pass gets further.
            }
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
