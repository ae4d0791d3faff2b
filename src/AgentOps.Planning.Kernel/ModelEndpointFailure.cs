using System.ClientModel;
using Microsoft.SemanticKernel;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace AgentOps.Planning.Kernel;

/// <summary>How the model endpoint failed, told the same way by the planner and the investigator.</summary>
public static class ModelEndpointFailure
{
    /// <summary>The endpoint (or the resilience pipeline around it) failed; the caller's own cancellation is not a failure.</summary>
    public static bool Is(Exception ex, CancellationToken cancellationToken) =>
        !cancellationToken.IsCancellationRequested
        && ex is HttpOperationException or HttpRequestException or ClientResultException or BrokenCircuitException or TimeoutRejectedException or OperationCanceledException;

    /// <summary>Status and reason only: exception text from HTTP clients can echo request details.</summary>
    public static string Describe(Exception ex)
    {
        ArgumentNullException.ThrowIfNull(ex);
        for (var e = ex; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case HttpOperationException { StatusCode: { } status }:
                    return $"HTTP {(int)status} {status}";
                case ClientResultException { Status: > 0 } client:
                    return $"HTTP {client.Status}";
                case BrokenCircuitException:
                    return "circuit open after repeated failures";
                case TimeoutRejectedException or OperationCanceledException:
                    return "timed out";
                case HttpRequestException request:
                    return $"connection failed ({request.HttpRequestError})";
            }
        }
        return ex.GetType().Name;
    }
}
