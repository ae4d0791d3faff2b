using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace AgentOps.Tools.Kubectl;

/// <summary>The few REST calls the tools make, with objects as JSON: get, list, patch, and a log stream.</summary>
internal sealed class KubernetesRest(HttpClient http) : IDisposable
{
    public async Task<JsonNode?> GetAsync(string path, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(path, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        return await ReadJsonAsync(response, cancellationToken).ConfigureAwait(false);
    }

    public async Task<JsonNode?> PatchAsync(string path, string body, PatchKind kind, CancellationToken cancellationToken)
    {
        using var content = new StringContent(body, Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue(ContentType(kind));
        using var request = new HttpRequestMessage(HttpMethod.Patch, path) { Content = content };
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        return await ReadJsonAsync(response, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A response body as a stream (pod logs), handed to <paramref name="read"/> while the response is open.</summary>
    public async Task<T> ReadStreamAsync<T>(string path, Func<Stream, CancellationToken, Task<T>> read, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(path, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        await ThrowIfFailedAsync(response, cancellationToken).ConfigureAwait(false);
        var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            return await read(stream, cancellationToken).ConfigureAwait(false);
        }
    }

    public void Dispose() => http.Dispose();

    private static async Task<JsonNode?> ReadJsonAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        await ThrowIfFailedAsync(response, cancellationToken).ConfigureAwait(false);
        var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            return await JsonNode.ParseAsync(stream, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task ThrowIfFailedAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (!response.IsSuccessStatusCode)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            throw new KubernetesApiException(response.StatusCode, body);
        }
    }

    private static string ContentType(PatchKind kind) => kind switch
    {
        PatchKind.Merge => "application/merge-patch+json",
        PatchKind.StrategicMerge => "application/strategic-merge-patch+json",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown patch kind"),
    };
}

/// <summary>How the API server should apply a patch body.</summary>
internal enum PatchKind
{
    /// <summary>RFC 7386 JSON merge patch.</summary>
    Merge,

    /// <summary>Kubernetes strategic merge patch (lists merged by key, as <c>kubectl patch</c> does by default).</summary>
    StrategicMerge,
}
