using System.Runtime.CompilerServices;

namespace AgentOps.Tools.ArgoCD;

/// <summary>
/// Sits inside the resilience handler, so it sees every attempt the retry strategy makes, and counts them on the
/// request: an error can then say "after 3 attempts" rather than leave the caller guessing whether it was retried.
/// </summary>
internal sealed class AttemptCountingHandler : DelegatingHandler
{
    private static readonly HttpRequestOptionsKey<StrongBox<int>> s_attempts = new("AgentOps.ArgoCD.Attempts");

    /// <summary>Starts counting attempts of <paramref name="request"/>; read the box after the request completes.</summary>
    public static StrongBox<int> Track(HttpRequestMessage request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var attempts = new StrongBox<int>();
        request.Options.Set(s_attempts, attempts);
        return attempts;
    }

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Options.TryGetValue(s_attempts, out var attempts))
        {
            Interlocked.Increment(ref attempts.Value);
        }
        return base.SendAsync(request, cancellationToken);
    }
}
