using Microsoft.Extensions.Http.Resilience;
using Polly;

namespace AgentOps.Tools.Hosting;

/// <summary>
/// The resilience pipeline every HTTP backend of a tool server uses: a deadline for the whole call, retries of
/// idempotent reads only (exponential back-off with jitter), and a deadline per attempt inside them.
/// </summary>
public static class BackendResilience
{
    public static void AddReadRetries(ResiliencePipelineBuilder<HttpResponseMessage> pipeline, TimeSpan totalTimeout, int maxRetries, TimeSpan retryDelay, TimeSpan attemptTimeout)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        pipeline.AddTimeout(totalTimeout);
        if (maxRetries > 0)
        {
            var retry = new HttpRetryStrategyOptions
            {
                MaxRetryAttempts = maxRetries,
                Delay = retryDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
            };
            // A sync, a rollback or a merge sent twice happens twice.
            retry.DisableForUnsafeHttpMethods();
            pipeline.AddRetry(retry);
        }
        pipeline.AddTimeout(attemptTimeout);
    }
}
