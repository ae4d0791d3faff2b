using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using ModelContextProtocol;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace AgentOps.Tools.Kubectl;

/// <summary>
/// Every call to the API server goes through here: a deadline per call, retries for reads only (a connection error,
/// 429 or 5xx on a GET is safe to repeat; a PATCH that may have landed is not), and each failure turned into a
/// <see cref="McpException"/> that names the API server, the operation and the status.
/// </summary>
internal sealed partial class KubernetesBackend
{
    private const int MaxDetailLength = 300;

    private readonly KubernetesConnection _connection;
    private readonly KubectlOptions _options;
    private readonly ILogger<KubernetesBackend> _logger;
    private readonly ResiliencePipeline _reads;
    private readonly ResiliencePipeline _writes;

    public KubernetesBackend(KubernetesConnection connection, KubectlOptions options, TimeProvider timeProvider, ILogger<KubernetesBackend> logger)
    {
        _connection = connection;
        _options = options;
        _logger = logger;
        _reads = new ResiliencePipelineBuilder { TimeProvider = timeProvider }
            .AddTimeout(options.Timeout)
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<HttpRequestException>().Handle<KubernetesApiException>(IsTransient),
                MaxRetryAttempts = Math.Max(0, options.ReadRetries),
                BackoffType = DelayBackoffType.Exponential,
                Delay = TimeSpan.FromMilliseconds(200),
                UseJitter = true,
                OnRetry = args =>
                {
                    LogRetry(_logger, args.AttemptNumber + 1, args.Outcome.Exception?.Message ?? "no result");
                    return ValueTask.CompletedTask;
                },
            })
            .Build();
        _writes = new ResiliencePipelineBuilder { TimeProvider = timeProvider }.AddTimeout(options.Timeout).Build();
    }

    /// <summary>An idempotent read: retried on transient failures within the deadline.</summary>
    public Task<T> ReadAsync<T>(string operation, Func<KubernetesRest, CancellationToken, Task<T>> call, CancellationToken cancellationToken) =>
        RunAsync(_reads, operation, call, cancellationToken);

    /// <summary>A change: one attempt, never repeated, within the deadline.</summary>
    public Task<T> WriteAsync<T>(string operation, Func<KubernetesRest, CancellationToken, Task<T>> call, CancellationToken cancellationToken) =>
        RunAsync(_writes, operation, call, cancellationToken);

    private async Task<T> RunAsync<T>(ResiliencePipeline pipeline, string operation, Func<KubernetesRest, CancellationToken, Task<T>> call, CancellationToken cancellationToken)
    {
        var client = _connection.Client;
        try
        {
            return await pipeline.ExecuteAsync(async token => await call(client, token).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutRejectedException ex)
        {
            throw Fail($"the Kubernetes API at {_connection.Server} did not answer {operation} within {_options.TimeoutSeconds:0.###} s", ex);
        }
        catch (KubernetesApiException ex)
        {
            throw Fail($"the Kubernetes API at {_connection.Server} answered {(int)ex.Status} {ex.Status} to {operation}: {StatusMessage(ex.Content)}", ex);
        }
        catch (HttpRequestException ex)
        {
            throw Fail($"the Kubernetes API at {_connection.Server} is unreachable ({operation}): {Innermost(ex)}", ex);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw Fail($"the Kubernetes API at {_connection.Server} did not answer {operation} in time", ex);
        }
        catch (JsonException ex)
        {
            throw Fail($"the Kubernetes API at {_connection.Server} answered {operation} with something that is not a Kubernetes object: {ex.Message}", ex);
        }
        catch (IOException ex)
        {
            throw Fail($"the connection to the Kubernetes API at {_connection.Server} broke during {operation}: {Innermost(ex)}", ex);
        }
    }

    private McpException Fail(string message, Exception inner)
    {
        LogFailed(_logger, message);
        return new McpException(message, inner);
    }

    private static bool IsTransient(KubernetesApiException ex) =>
        ex.Status is HttpStatusCode.TooManyRequests or >= HttpStatusCode.InternalServerError;

    // The API server explains a failure in a Status object; its message is what a person needs to see.
    private static string StatusMessage(string? content)
    {
        if (string.IsNullOrWhiteSpace(content))
        {
            return "(no details)";
        }
        try
        {
            using var document = JsonDocument.Parse(content);
            if (document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.String)
            {
                return Shorten(message.GetString()!);
            }
        }
        catch (JsonException)
        {
        }
        return Shorten(content);
    }

    private static string Innermost(Exception ex)
    {
        while (ex.InnerException is not null)
        {
            ex = ex.InnerException;
        }
        return ex.Message;
    }

    private static string Shorten(string text) => text.Length <= MaxDetailLength ? text.Trim() : text[..MaxDetailLength].Trim() + "…";

    [LoggerMessage(Level = LogLevel.Warning, Message = "Kubernetes read failed, attempt {Attempt} follows: {Error}")]
    private static partial void LogRetry(ILogger logger, int attempt, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Failure}")]
    private static partial void LogFailed(ILogger logger, string failure);
}
