using System.Net.Http.Headers;
using Microsoft.Extensions.Options;
using ModelContextProtocol;

namespace AgentOps.Tools.Prometheus;

/// <summary>
/// Adds the configured bearer token to every request to Prometheus. The token file is read per request so a rotated
/// token (a projected service-account token, say) is used without a restart. The token is never logged.
/// </summary>
internal sealed class BearerTokenHandler(IOptions<PrometheusOptions> options) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var token = await ReadTokenAsync(options.Value, cancellationToken).ConfigureAwait(false);
        if (!string.IsNullOrEmpty(token))
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<string?> ReadTokenAsync(PrometheusOptions options, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(options.TokenFile))
        {
            return options.Token?.Trim();
        }
        try
        {
            return (await File.ReadAllTextAsync(options.TokenFile, cancellationToken).ConfigureAwait(false)).Trim();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Not an HttpRequestException: retrying cannot fix it and it is no network failure. The message names the
            // setting, never the content.
            throw new McpException($"Cannot read the Prometheus token file set in AgentOps:Prometheus:TokenFile ({ex.GetType().Name}).", ex);
        }
    }
}
