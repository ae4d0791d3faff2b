using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using AgentOps.Tools.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly.Timeout;

namespace AgentOps.Tools.ArgoCD;

/// <summary>
/// ArgoCD's REST API (<c>/api/v1</c>) with this server's own ArgoCD token. Timeouts and retries come from the
/// resilience handler registered in <see cref="ArgoCdServiceCollectionExtensions"/>; this class turns every failure
/// into an <see cref="ArgoCdRequestException"/> whose message says what happened.
/// </summary>
internal sealed partial class ArgoCdClient(HttpClient http, IOptions<ArgoCdOptions> options, OutputHygiene hygiene, ILogger<ArgoCdClient> logger)
{
    private const int MaxQuotedMessageLength = 300;

    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    private readonly ArgoCdOptions _options = options.Value;

    public Task<ArgoApplicationList> ListApplicationsAsync(IReadOnlyList<string> projects, string? selector, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(projects);
        var query = new StringBuilder();
        foreach (var project in projects)
        {
            Append(query, "projects", project);
        }
        if (!string.IsNullOrEmpty(selector))
        {
            Append(query, "selector", selector);
        }
        return SendAsync<ArgoApplicationList>(HttpMethod.Get, "api/v1/applications", query.ToString(), body: null, application: null, cancellationToken);
    }

    public Task<ArgoApplication> GetApplicationAsync(string name, CancellationToken cancellationToken = default) =>
        SendAsync<ArgoApplication>(HttpMethod.Get, ApplicationPath(name), query: null, body: null, name, cancellationToken);

    public Task<ArgoManagedResources> GetManagedResourcesAsync(string name, CancellationToken cancellationToken = default) =>
        SendAsync<ArgoManagedResources>(HttpMethod.Get, ApplicationPath(name) + "/managed-resources", query: null, body: null, name, cancellationToken);

    public Task<ArgoApplication> SyncAsync(ArgoSyncRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return SendAsync<ArgoApplication>(HttpMethod.Post, ApplicationPath(request.Name) + "/sync", query: null, request, request.Name, cancellationToken);
    }

    public Task<ArgoApplication> RollbackAsync(ArgoRollbackRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return SendAsync<ArgoApplication>(HttpMethod.Post, ApplicationPath(request.Name) + "/rollback", query: null, request, request.Name, cancellationToken);
    }

    private static string ApplicationPath(string name) => "api/v1/applications/" + Uri.EscapeDataString(ApplicationName.Require(name));

    private static void Append(StringBuilder query, string key, string value) =>
        query.Append(query.Length == 0 ? '?' : '&').Append(key).Append('=').Append(Uri.EscapeDataString(value));

    private async Task<T> SendAsync<T>(HttpMethod method, string path, string? query, object? body, string? application, CancellationToken cancellationToken)
    {
        var described = $"{method} /{path}";
        using var request = new HttpRequestMessage(method, path + query);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _options.Token);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (body is not null)
        {
            request.Content = JsonContent.Create(body, body.GetType(), options: s_json);
        }
        var attempts = AttemptCountingHandler.Track(request);

        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutRejectedException ex)
        {
            throw Fail(described, null, ex, $"ArgoCD did not answer {described} in time ({Seconds(_options.AttemptTimeout)} per attempt, {Seconds(_options.TotalTimeout)} in all) {Tries(method, attempts.Value)}.{StillRunningHint(method)}");
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            // HttpClient.Timeout, the backstop behind the resilience pipeline's own timeouts.
            throw Fail(described, null, ex, $"ArgoCD did not answer {described} within {Seconds(http.Timeout)} {Tries(method, attempts.Value)}.{StillRunningHint(method)}");
        }
        catch (HttpRequestException ex)
        {
            throw Fail(described, null, ex, $"ArgoCD at {_options.ApiRoot} is unreachable for {described} {Tries(method, attempts.Value)}: {ex.Message}");
        }

        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                var error = await ReadErrorAsync(response, cancellationToken).ConfigureAwait(false);
                throw Fail(described, response.StatusCode, null, Explain(method, described, response.StatusCode, application, attempts.Value) + Quote(error));
            }
            try
            {
                var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
                await using (stream.ConfigureAwait(false))
                {
                    return await JsonSerializer.DeserializeAsync<T>(stream, s_json, cancellationToken).ConfigureAwait(false)
                        ?? throw new JsonException("the body is JSON null");
                }
            }
            catch (JsonException ex)
            {
                throw Fail(described, response.StatusCode, ex, $"ArgoCD answered {described} with a body this server cannot read as {typeof(T).Name}: {ex.Message}");
            }
        }
    }

    private static string Explain(HttpMethod method, string described, HttpStatusCode status, string? application, int attempts) => status switch
    {
        HttpStatusCode.Unauthorized =>
            $"ArgoCD answered 401 for {described}: it does not accept this server's ArgoCD token (expired, revoked or issued by another ArgoCD); set a valid {ArgoCdOptions.TokenEnvironmentVariable}.",
        HttpStatusCode.Forbidden =>
            $"ArgoCD answered 403 for {described}: the ArgoCD account behind this server's token lacks the RBAC permission for it.",
        HttpStatusCode.NotFound when application is not null =>
            $"ArgoCD has no application '{application}' (404 for {described}).",
        _ => $"ArgoCD answered {(int)status} for {described} {Tries(method, attempts)}.",
    };

    private static string Tries(HttpMethod method, int attempts) =>
        method == HttpMethod.Get
            ? $"after {attempts} attempt{(attempts == 1 ? "" : "s")}"
            : $"after {attempts} attempt{(attempts == 1 ? "" : "s")} (writes are never retried)";

    private static string StillRunningHint(HttpMethod method) =>
        method == HttpMethod.Get ? string.Empty : " ArgoCD may still have started the operation: check application_get before asking again.";

    private static string Seconds(TimeSpan span) => span == Timeout.InfiniteTimeSpan ? "no limit" : $"{span.TotalSeconds:0.###} s";

    private async Task<ArgoRuntimeError?> ReadErrorAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            return string.IsNullOrWhiteSpace(text) ? null : JsonSerializer.Deserialize<ArgoRuntimeError>(text, s_json);
        }
        catch (JsonException)
        {
            // A proxy's HTML error page, say: the status alone has to do.
            return null;
        }
    }

    // ArgoCD's own words help ("permission denied: applications, sync, default/guestbook"), but they are third-party
    // text in an error that no output filter sees: redact, keep one line, and cap the length.
    private string Quote(ArgoRuntimeError? error)
    {
        var said = error?.Message ?? error?.Error;
        if (string.IsNullOrWhiteSpace(said))
        {
            return string.Empty;
        }
        string redacted;
        try
        {
            redacted = hygiene.Redact(said);
        }
        catch (OutputWithheldException)
        {
            // Unscreened text never leaves: the status and the request still say what failed.
            return " (ArgoCD's message is withheld: it could not be screened for secrets in time.)";
        }
        var flat = new string(redacted.Select(c => char.IsControl(c) ? ' ' : c).ToArray()).Trim();
        return " ArgoCD said: " + (flat.Length > MaxQuotedMessageLength ? flat[..MaxQuotedMessageLength] + "…" : flat);
    }

    private ArgoCdRequestException Fail(string described, HttpStatusCode? status, Exception? cause, string message)
    {
        LogFailed(logger, described, status is null ? "no answer" : ((int)status).ToString(System.Globalization.CultureInfo.InvariantCulture), cause?.GetType().Name ?? "-");
        return new ArgoCdRequestException(message, status, cause);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "ArgoCD request {Request} failed: {Status} ({Cause})")]
    private static partial void LogFailed(ILogger logger, string request, string status, string cause);
}
