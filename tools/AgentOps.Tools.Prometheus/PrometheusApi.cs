using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ModelContextProtocol;
using Polly.Timeout;

namespace AgentOps.Tools.Prometheus;

/// <summary>
/// Prometheus HTTP API v1 reads. Answers the <c>data</c> of a success envelope, and turns every failure — an error
/// envelope, an unreachable server, a timeout, a 5xx after retries, a body that is not the API's JSON — into an
/// <see cref="McpException"/> the caller can act on. Retries and timeouts live in the client's resilience handler.
/// </summary>
internal sealed partial class PrometheusApi(HttpClient http, IOptions<PrometheusOptions> options, ILogger<PrometheusApi> logger)
{
    private readonly PrometheusOptions _options = options.Value;

    public async Task<PrometheusData> GetAsync(string path, IReadOnlyList<KeyValuePair<string, string>> parameters, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(parameters);
        var uri = new Uri(path + QueryString(parameters), UriKind.Relative);
        HttpResponseMessage response;
        try
        {
            // Headers first, so an oversized body is refused while it streams instead of after it is buffered.
            response = await http.GetAsync(uri, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex) when (ex is TimeoutRejectedException or TaskCanceledException)
        {
            LogFailed(logger, path, "timeout");
            throw new McpException($"Prometheus did not answer {path} in time (each attempt {PrometheusTime.FormatDuration(_options.AttemptTimeout)}, {_options.MaxRetries} retries, {PrometheusTime.FormatDuration(_options.TotalTimeout)} in all).", ex);
        }
        catch (HttpRequestException ex)
        {
            LogFailed(logger, path, ex.HttpRequestError.ToString());
            throw new McpException($"Prometheus at {Endpoint()} is unreachable ({ex.Message}); tried {_options.MaxRetries + 1} times.", ex);
        }

        using (response)
        {
            var body = await ReadBodyAsync(response, path, cancellationToken).ConfigureAwait(false);
            var envelope = ParseEnvelope(body);
            if (envelope is { Status: "success", Data: { } data })
            {
                return new PrometheusData(data, envelope.Warnings);
            }
            LogFailed(logger, path, $"HTTP {(int)response.StatusCode} {envelope?.ErrorType}");
            if (envelope is { Status: "error" })
            {
                throw new McpException($"Prometheus refused {path}: {envelope.ErrorType ?? "error"}: {envelope.Error ?? "(no message)"}");
            }
            throw response.IsSuccessStatusCode
                ? new McpException($"Prometheus answered {path} with something that is not its API's JSON envelope; check AgentOps:Prometheus:BaseUrl ({Endpoint()}).")
                : new McpException($"Prometheus answered {path} with HTTP {(int)response.StatusCode} {response.ReasonPhrase}{(IsRetried(response.StatusCode) ? $" (retried up to {_options.MaxRetries} times)" : string.Empty)}.");
        }
    }

    private async Task<byte[]> ReadBodyAsync(HttpResponseMessage response, string path, CancellationToken cancellationToken)
    {
        var limit = _options.MaxResponseBytes;
        if (response.Content.Headers.ContentLength > limit)
        {
            throw TooLarge(path, limit);
        }
        // The resilience pipeline's timeouts end when the headers arrive; the body gets a deadline of its own.
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(_options.AttemptTimeout);
        try
        {
            var stream = await response.Content.ReadAsStreamAsync(deadline.Token).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                using var buffer = new MemoryStream();
                var chunk = new byte[81920];
                int read;
                while ((read = await stream.ReadAsync(chunk, deadline.Token).ConfigureAwait(false)) > 0)
                {
                    if (buffer.Length + read > limit)
                    {
                        throw TooLarge(path, limit);
                    }
                    buffer.Write(chunk, 0, read);
                }
                return buffer.ToArray();
            }
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new McpException($"Prometheus did not finish sending {path} within {PrometheusTime.FormatDuration(_options.AttemptTimeout)}.", ex);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException)
        {
            throw new McpException($"Prometheus broke off while sending {path} ({ex.Message}).", ex);
        }
    }

    private static Envelope? ParseEnvelope(byte[] body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("status", out var status) || status.ValueKind != JsonValueKind.String)
            {
                return null;
            }
            var warnings = root.TryGetProperty("warnings", out var w) && w.ValueKind == JsonValueKind.Array
                ? w.EnumerateArray().Select(x => x.ToString()).ToArray()
                : [];
            return new Envelope(
                status.GetString()!,
                root.TryGetProperty("data", out var data) ? data.Clone() : null,
                root.TryGetProperty("errorType", out var errorType) ? errorType.ToString() : null,
                root.TryGetProperty("error", out var error) ? error.ToString() : null,
                warnings);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static bool IsRetried(HttpStatusCode status) =>
        (int)status >= 500 || status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests;

    private McpException TooLarge(string path, long limit) =>
        new($"Prometheus's answer to {path} is larger than {limit / 1024} KiB (AgentOps:Prometheus:MaxResponseBytes); narrow the selector, shorten the range or raise the step.");

    // Host and port only: a base URL may carry user info, which must not reach the caller.
    private string Endpoint() => http.BaseAddress is { } b ? $"{b.Scheme}://{b.Authority}" : "(no base URL)";

    private static string QueryString(IReadOnlyList<KeyValuePair<string, string>> parameters)
    {
        if (parameters.Count == 0)
        {
            return string.Empty;
        }
        var query = new StringBuilder("?");
        foreach (var (key, value) in parameters)
        {
            if (query.Length > 1)
            {
                query.Append('&');
            }
            query.Append(Uri.EscapeDataString(key)).Append('=').Append(Uri.EscapeDataString(value));
        }
        return query.ToString();
    }

    private sealed record Envelope(string Status, JsonElement? Data, string? ErrorType, string? Error, IReadOnlyList<string> Warnings);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Prometheus {Path} failed: {Reason}")]
    private static partial void LogFailed(ILogger logger, string path, string reason);
}

/// <summary>The <c>data</c> of a successful API answer, with any warnings Prometheus attached.</summary>
internal sealed record PrometheusData(JsonElement Data, IReadOnlyList<string> Warnings);
