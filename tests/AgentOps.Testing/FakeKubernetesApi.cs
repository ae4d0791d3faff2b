using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using WireMock;
using WireMock.Logging;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Settings;

namespace AgentOps.Testing;

/// <summary>One request the fake received, kept so tests can assert what a client actually sent.</summary>
public sealed record KubernetesApiRequest(string Method, string Path, IReadOnlyDictionary<string, string> Query, string? ContentType, string? Body);

/// <summary>
/// A Kubernetes API server on 127.0.0.1, faithful enough that the unmodified KubernetesClient, kubectl and other
/// client-go programs work against it: discovery (<c>/api</c>, <c>/apis</c>, <c>/api/v1</c>, <c>/apis/apps/v1</c>,
/// <c>/version</c>), typed lists with label and field selectors, get, create, replace, merge/strategic/JSON patch,
/// delete, pod logs with <c>tailLines</c>/<c>sinceSeconds</c>, and the deployment <c>scale</c> subresource.
/// Objects come from the captured fixtures in <c>tests/fixtures/kubernetes</c> (see <see cref="Seeded"/>); errors
/// are real <c>Status</c> objects. Every request is recorded, and <see cref="FailWith"/>/<see cref="DelayResponses"/>
/// inject backend faults. Requests must carry <c>Authorization: Bearer </c><see cref="BearerToken"/>, which
/// <see cref="WriteKubeconfig"/> puts in the kubeconfig.
/// </summary>
public sealed partial class FakeKubernetesApi : IDisposable
{
    /// <summary>The only token the fake accepts; anything else gets 401 as from a real API server.</summary>
    public const string BearerToken = "fake-kube-api-bearer-for-tests";

    private static readonly JsonSerializerOptions s_json = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly Lock _gate = new();
    private readonly WireMockServer _server;
    private readonly DirectoryInfo _directory;
    private readonly string _authority;
    private readonly TimeProvider _time;
    private readonly Dictionary<string, KubernetesResourceType> _types = new(StringComparer.Ordinal);
    private readonly Dictionary<KubernetesResourceType, SortedDictionary<string, JsonObject>> _objects = [];
    private readonly Dictionary<string, List<PodLogLine>> _logs = new(StringComparer.Ordinal);
    private readonly List<KubernetesApiRequest> _requests = [];
    private readonly List<Fault> _faults = [];
    private long _resourceVersion = 100_000;
    private int _disposed;

    private FakeKubernetesApi(TimeProvider time)
    {
        _time = time;
        _directory = Directory.CreateTempSubdirectory("agentops-fake-kube-");
        _server = WireMockServer.Start(new WireMockServerSettings
        {
            Urls = ["https://127.0.0.1:0"],
            UseSSL = true,
            CertificateSettings = new WireMockCertificateSettings
            {
                X509CertificateFilePath = CreateServerCertificate(Path.Combine(_directory.FullName, "server.pfx")),
                X509CertificatePassword = PfxPassword,
            },
            StartAdminInterface = false,
            Logger = new WireMockNullLogger(),
            DisableJsonBodyParsing = true,
            DisableRequestBodyDecompressing = true,
            AllowBodyForAllHttpMethods = true,
            MaxRequestLogCount = 0,
        });
        Url = _server.Url ?? throw new InvalidOperationException("WireMock did not report its URL.");
        _authority = new Uri(Url).Authority;
        foreach (var type in BuiltInTypes())
        {
            AddResourceType(type);
        }
        _server.Given(Request.Create().UsingAnyMethod().WithPath(_ => true))
            .RespondWith(Response.Create().WithCallback(HandleAsync));
    }

    /// <summary>The server's base URL, <c>https://127.0.0.1:PORT</c>; its certificate is signed by <see cref="CertificateAuthorityPem"/>.</summary>
    public string Url { get; }

    /// <summary>Every request received so far, oldest first.</summary>
    public IReadOnlyList<KubernetesApiRequest> Requests
    {
        get
        {
            lock (_gate)
            {
                return [.. _requests];
            }
        }
    }

    /// <summary>
    /// Starts the fake with the seeded namespaces, workloads, events, ConfigMap, Secret and logs of <see cref="Seeded"/>.
    /// <paramref name="time"/> dates new objects and log lines (a FakeTimeProvider makes <c>sinceSeconds</c> exact);
    /// TLS certificates and injected delays always use real time.
    /// </summary>
    public static FakeKubernetesApi Start(TimeProvider? time = null)
    {
        var api = new FakeKubernetesApi(time ?? TimeProvider.System);
        try
        {
            api.Seed();
            return api;
        }
        catch
        {
            api.Dispose();
            throw;
        }
    }

    /// <summary>Starts the fake with discovery and the built-in kinds but no objects at all.</summary>
    public static FakeKubernetesApi StartEmpty(TimeProvider? time = null) => new(time ?? TimeProvider.System);

    /// <summary>Requests with this method on exactly this path (no query), oldest first.</summary>
    public IReadOnlyList<KubernetesApiRequest> RequestsTo(string method, string path) =>
        Requests.Where(r => string.Equals(r.Method, method, StringComparison.OrdinalIgnoreCase) && r.Path == path).ToArray();

    /// <summary>Forgets the recorded requests, e.g. after a warm-up call.</summary>
    public void ClearRequests()
    {
        lock (_gate)
        {
            _requests.Clear();
        }
    }

    /// <summary>Writes a kubeconfig (cluster, token user, context, current-context) that points at this fake; returns its path.</summary>
    public string WriteKubeconfig(string path, string contextName = "fake", string? defaultNamespace = null)
    {
        Kubeconfig.Write(path, [Context(contextName, defaultNamespace)], contextName);
        return path;
    }

    /// <summary>This fake as a kubeconfig context, to combine with others in <see cref="Kubeconfig.Write"/>.</summary>
    public KubeconfigContext Context(string name = "fake", string? defaultNamespace = null) =>
        new(name, Url, BearerToken, defaultNamespace, CertificateAuthorityPem);

    /// <summary>
    /// Answers every request whose path starts with <paramref name="pathPrefix"/> (all when null), and whose method is
    /// <paramref name="method"/> (any when null), with this status and a <c>Status</c> body.
    /// </summary>
    public void FailWith(int statusCode, string? pathPrefix = null, string? method = null)
    {
        lock (_gate)
        {
            _faults.Add(new Fault(pathPrefix, method?.ToUpperInvariant(), statusCode, TimeSpan.Zero));
        }
    }

    /// <summary>
    /// Holds every answer to a matching path for <paramref name="delay"/> of real time before sending it: a slow or
    /// hung API server. Real time, so that a client's own timeout is what ends the wait.
    /// </summary>
    public void DelayResponses(TimeSpan delay, string? pathPrefix = null)
    {
        lock (_gate)
        {
            _faults.Add(new Fault(pathPrefix, null, null, delay));
        }
    }

    /// <summary>Removes every injected failure and delay.</summary>
    public void ClearFaults()
    {
        lock (_gate)
        {
            _faults.Clear();
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }
        _server.Stop();
        _server.Dispose();
        try
        {
            _directory.Delete(recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private async Task<IResponseMessage> HandleAsync(IRequestMessage request)
    {
        var method = request.Method.ToUpperInvariant();
        var path = request.Path;
        var query = ParseQuery(request.RawQuery);
        var contentType = Header(request, "Content-Type");
        var body = request.Body ?? (request.BodyAsBytes is { Length: > 0 } bytes ? Encoding.UTF8.GetString(bytes) : null);
        Fault? fault;
        lock (_gate)
        {
            _requests.Add(new KubernetesApiRequest(method, path, query, contentType, body));
            var matching = _faults.Where(f => (f.PathPrefix is null || path.StartsWith(f.PathPrefix, StringComparison.Ordinal)) && (f.Method is null || f.Method == method)).ToArray();
            fault = matching.Length == 0 ? null : new Fault(null, null, matching.FirstOrDefault(f => f.StatusCode is not null)?.StatusCode, matching.Max(f => f.Delay));
        }
        if (fault is { Delay: var delay } && delay > TimeSpan.Zero)
        {
            await Task.Delay(delay).ConfigureAwait(false);
        }
        if (fault?.StatusCode is { } injected)
        {
            return Json(injected, Status(injected, injected >= 500 ? "InternalError" : "BadRequest",
                injected >= 500 ? "Internal error occurred: etcdserver: request timed out" : "injected failure"));
        }
        if (Header(request, "Authorization") != "Bearer " + BearerToken)
        {
            return Json(401, Status(401, "Unauthorized", "Unauthorized"));
        }
        try
        {
            return Route(method, path, query, contentType, body);
        }
        catch (ApiError error)
        {
            return Json(error.Code, Status(error.Code, error.Reason, error.Message, error.Details));
        }
    }

    private IResponseMessage Route(string method, string path, IReadOnlyDictionary<string, string> query, string? contentType, string? body)
    {
        var segments = path.Trim('/').Split('/', StringSplitOptions.RemoveEmptyEntries);
        return segments switch
        {
            ["version"] => Json(200, VersionInfo()),
            ["api"] => Json(200, ApiVersions()),
            ["apis"] => Json(200, ApiGroupList()),
            ["api", "v1"] => Json(200, ApiResourceList("", "v1") ?? throw NotFoundPath()),
            ["apis", var group] => Json(200, ApiGroupDocument(group) ?? throw NotFoundPath()),
            ["apis", var group, var version] => Json(200, ApiResourceList(group, version) ?? throw NotFoundPath()),
            ["api", "v1", .. var rest] => Resource("", "v1", rest, method, query, contentType, body),
            ["apis", var group, var version, .. var rest] => Resource(group, version, rest, method, query, contentType, body),
            _ => throw NotFoundPath(),
        };
    }

    private IResponseMessage Resource(string group, string version, string[] rest, string method, IReadOnlyDictionary<string, string> query, string? contentType, string? body)
    {
        string? ns = null;
        if (rest is ["namespaces", var candidate, var plural, ..] && FindType(group, version, plural) is { Namespaced: true })
        {
            ns = candidate;
            rest = rest[2..];
        }
        var type = FindType(group, version, rest[0]) ?? throw NotFoundPath();
        if (rest.Length > 3 || type.Namespaced && ns is null && rest.Length > 1)
        {
            throw NotFoundPath();
        }
        var name = rest.Length > 1 ? rest[1] : null;
        var subresource = rest.Length > 2 ? rest[2] : null;
        return (method, name, subresource) switch
        {
            ("GET", null, _) when query.ContainsKey("watch") && query["watch"] is "true" or "1" =>
                throw new ApiError(405, "MethodNotAllowed", "the fake Kubernetes API does not serve watches"),
            ("GET", null, _) => Json(200, List(type, ns, query)),
            ("POST", null, _) => Json(201, Create(type, ns, body)),
            ("GET", not null, null) => Json(200, Get(type, ns, name)),
            ("PATCH", not null, null) => Json(200, Patch(type, ns, name, contentType, body)),
            ("PUT", not null, null) => Json(200, Replace(type, ns, name, body)),
            ("DELETE", not null, null) => Json(200, Delete(type, ns, name)),
            ("GET", not null, "log") when type.Plural == "pods" => Text(200, PodLog(ns!, name, query)),
            (_, not null, "scale") when type.Plural == "deployments" => Json(200, Scale(ns!, name, method, contentType, body)),
            _ => throw new ApiError(405, "MethodNotAllowed", $"the server does not allow this method on the requested resource"),
        };
    }

    private KubernetesResourceType? FindType(string group, string version, string plural)
    {
        lock (_gate)
        {
            return _types.GetValueOrDefault(TypeKey(group, version, plural));
        }
    }

    private static string TypeKey(string group, string version, string plural) => $"{group}/{version}/{plural}";

    private static string ObjectKey(string? ns, string name) => ns is null ? name : $"{ns}/{name}";

    private string NextResourceVersion() => Interlocked.Increment(ref _resourceVersion).ToString(CultureInfo.InvariantCulture);

    private static string? Header(IRequestMessage request, string name) =>
        request.Headers?.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value?.FirstOrDefault();

    private static Dictionary<string, string> ParseQuery(string? rawQuery)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in (rawQuery ?? string.Empty).TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var index = pair.IndexOf('=', StringComparison.Ordinal);
            var key = Uri.UnescapeDataString((index < 0 ? pair : pair[..index]).Replace('+', ' '));
            var value = index < 0 ? string.Empty : Uri.UnescapeDataString(pair[(index + 1)..].Replace('+', ' '));
            result[key] = value;
        }
        return result;
    }

    // The API server escapes only what JSON requires ("\"", not "\u0022"); clients that compare messages see the same text.
    private static ResponseMessage Json(int statusCode, JsonNode body) => Respond(statusCode, "application/json", body.ToJsonString(s_json));

    private static ResponseMessage Text(int statusCode, string body) => Respond(statusCode, "text/plain", body);

    private static ResponseMessage Respond(int statusCode, string contentType, string body) => new()
    {
        StatusCode = statusCode,
        Headers = new Dictionary<string, WireMock.Types.WireMockList<string>> { ["Content-Type"] = new(contentType) },
        BodyData = new WireMock.Util.BodyData
        {
            BodyAsString = body,
            Encoding = Encoding.UTF8,
            DetectedBodyType = WireMock.Types.BodyType.String,
        },
    };

    private sealed record Fault(string? PathPrefix, string? Method, int? StatusCode, TimeSpan Delay);

    private sealed record PodLogLine(DateTimeOffset At, string Text);
}
