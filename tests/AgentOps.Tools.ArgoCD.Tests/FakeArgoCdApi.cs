using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using WireMock;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Settings;
using WireMock.Types;
using WireMock.Util;

namespace AgentOps.Tools.ArgoCD.Tests;

/// <summary>
/// ArgoCD's REST API on 127.0.0.1, answering the paths the server uses with bodies shaped as in
/// <c>tests/fixtures/argocd/swagger.json</c> and built from the operator manual's example Application. It checks the
/// bearer token as the API server does, keeps every request for assertions, and can be told to fail or to be slow.
/// </summary>
public sealed partial class FakeArgoCdApi : IDisposable
{
    public const string ApplicationsPath = "/api/v1/applications";

    private readonly WireMockServer _server;
    private readonly ConcurrentDictionary<string, JsonObject> _applications;
    private readonly ConcurrentQueue<IRequestMessage> _received = new();

    private FakeArgoCdApi(WireMockServer server, string token, ConcurrentDictionary<string, JsonObject> applications)
    {
        _server = server;
        Token = token;
        _applications = applications;
        Url = $"http://127.0.0.1:{server.Port}";
    }

    /// <summary>The only bearer token this ArgoCD accepts.</summary>
    public string Token { get; }

    public string Url { get; }

    /// <summary>
    /// Starts the fake. The default token is shaped like no secret pattern, so if the server ever echoed it, the
    /// output filter could not hide the leak from the tests.
    /// </summary>
    public static FakeArgoCdApi Start(string? token = null)
    {
        var server = WireMockServer.Start(new WireMockServerSettings
        {
            Urls = [$"http://127.0.0.1:{FreeLoopbackPort()}"],
            StartAdminInterface = false,
        });
        var applications = new ConcurrentDictionary<string, JsonObject>(StringComparer.Ordinal)
        {
            [Guestbook] = SeedGuestbook(),
            [PaymentsApi] = SeedPaymentsApi(),
        };
        var fake = new FakeArgoCdApi(server, token ?? "argocd-fake-account-" + Guid.NewGuid().ToString("N"), applications);
        server.Given(Request.Create().WithPath(p => p.StartsWith("/api/", StringComparison.Ordinal)).UsingAnyMethod())
            .AtPriority(100)
            .RespondWith(Response.Create().WithCallback(request => fake.Answer(fake.Received(request))));
        return fake;
    }

    /// <summary>A loopback port nothing listens on (at the moment of asking).</summary>
    public static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <summary>From now on, <paramref name="method"/> on <paramref name="path"/> answers <paramref name="status"/> with an ArgoCD error body.</summary>
    public void Fail(string method, string path, HttpStatusCode status, string message = "internal error")
    {
        _server.Given(Request.Create().WithPath(path).UsingMethod(method))
            .AtPriority(1)
            .RespondWith(Response.Create().WithCallback(request =>
            {
                Received(request);
                return Json(status, Error(message, GrpcCode(status)));
            }));
    }

    /// <summary>
    /// From now on, <paramref name="method"/> on <paramref name="path"/> answers normally, but only after
    /// <paramref name="delay"/>. The request is recorded when it arrives, not when the answer goes out.
    /// </summary>
    public void Delay(string method, string path, TimeSpan delay)
    {
        _server.Given(Request.Create().WithPath(path).UsingMethod(method))
            .AtPriority(1)
            .RespondWith(Response.Create().WithCallback(async request =>
            {
                Received(request);
                await Task.Delay(delay);
                return Answer(request);
            }));
    }

    /// <summary>Every request the fake received for <paramref name="method"/> on <paramref name="path"/>, oldest first.</summary>
    public IReadOnlyList<IRequestMessage> Requests(string method, string path) =>
        _received.Where(r => string.Equals(r.Method, method, StringComparison.OrdinalIgnoreCase) && r.Path == path).ToArray();

    /// <summary>
    /// Waits until at least <paramref name="count"/> requests for <paramref name="method"/> on <paramref name="path"/>
    /// have arrived, or <paramref name="patience"/> has passed, and returns those that have. A client that gave up on
    /// a slow answer may have sent its request a moment before the fake got round to reading it.
    /// </summary>
    public async Task<IReadOnlyList<IRequestMessage>> RequestsAsync(string method, string path, int count, TimeSpan patience)
    {
        using var deadline = new CancellationTokenSource(patience);
        while (Requests(method, path).Count < count && !deadline.IsCancellationRequested)
        {
            await Task.Delay(50, CancellationToken.None);
        }
        return Requests(method, path);
    }

    /// <summary>Every request the fake received, on any path, in order of arrival.</summary>
    public IReadOnlyList<IRequestMessage> AllRequests => [.. _received];

    /// <summary>The JSON bodies of the requests to <paramref name="path"/>, e.g. each sync request the server sent.</summary>
    public IReadOnlyList<JsonObject> Bodies(string method, string path) =>
        Requests(method, path).Select(r => JsonNode.Parse(r.Body ?? "null") as JsonObject ?? throw new InvalidOperationException($"{method} {path} had no JSON object body")).ToArray();

    public static string SyncPath(string name) => $"{ApplicationsPath}/{name}/sync";

    public static string RollbackPath(string name) => $"{ApplicationsPath}/{name}/rollback";

    public static string ApplicationPath(string name) => $"{ApplicationsPath}/{name}";

    public static string ManagedResourcesPath(string name) => $"{ApplicationsPath}/{name}/managed-resources";

    public void Dispose() => _server.Stop();

    private IRequestMessage Received(IRequestMessage request)
    {
        _received.Enqueue(request);
        return request;
    }

    private IResponseMessage Answer(IRequestMessage request)
    {
        var authorization = Header(request, "Authorization");
        if (authorization is null)
        {
            return Json(HttpStatusCode.Unauthorized, Error("no session information", 16));
        }
        if (authorization != "Bearer " + Token)
        {
            return Json(HttpStatusCode.Unauthorized, Error("invalid session: token signature is invalid", 16));
        }

        var rest = request.Path.StartsWith(ApplicationsPath, StringComparison.Ordinal) ? request.Path[ApplicationsPath.Length..] : null;
        var segments = rest?.Split('/', StringSplitOptions.RemoveEmptyEntries) ?? [];
        return (request.Method.ToUpperInvariant(), rest, segments) switch
        {
            ("GET", "", _) => Json(HttpStatusCode.OK, List(request)),
            ("GET", _, [var name]) => WithApplication(name, app => Json(HttpStatusCode.OK, app)),
            ("GET", _, [var name, "managed-resources"]) => WithApplication(name, _ => Json(HttpStatusCode.OK, ManagedResources(name))),
            ("POST", _, [var name, "sync"]) => WithApplication(name, app => Sync(app, JsonNode.Parse(request.Body ?? "{}")!.AsObject())),
            ("POST", _, [var name, "rollback"]) => WithApplication(name, app => Rollback(app, JsonNode.Parse(request.Body ?? "{}")!.AsObject())),
            _ => Json(HttpStatusCode.NotFound, Error("Not Found", 5)),
        };
    }

    private IResponseMessage WithApplication(string name, Func<JsonObject, IResponseMessage> answer) =>
        _applications.TryGetValue(name, out var app)
            ? answer((JsonObject)app.DeepClone())
            : Json(HttpStatusCode.NotFound, Error($"applications.argoproj.io \"{name}\" not found", 5));

    // ArgoCD filters by project (repeated "projects") and by a label selector; equality selectors are all the tests need.
    private JsonObject List(IRequestMessage request)
    {
        var projects = request.Query is { } query && query.TryGetValue("projects", out var values) ? values.ToHashSet(StringComparer.Ordinal) : [];
        var selector = request.Query is { } q && q.TryGetValue("selector", out var s) ? s.FirstOrDefault() : null;
        var items = new JsonArray();
        foreach (var app in _applications.Values.OrderBy(a => a["metadata"]!["name"]!.GetValue<string>(), StringComparer.Ordinal))
        {
            if (projects.Count > 0 && !projects.Contains(app["spec"]!["project"]!.GetValue<string>()))
            {
                continue;
            }
            if (!string.IsNullOrEmpty(selector) && !MatchesSelector(app["metadata"]!["labels"] as JsonObject, selector))
            {
                continue;
            }
            items.Add(app.DeepClone());
        }
        return new JsonObject { ["metadata"] = new JsonObject { ["resourceVersion"] = "184467" }, ["items"] = items };
    }

    private static bool MatchesSelector(JsonObject? labels, string selector) =>
        selector.Split(',', StringSplitOptions.TrimEntries).All(requirement =>
            requirement.Split('=', 2) is [var key, var value] && labels?[key]?.GetValue<string>() == value);

    private static IResponseMessage Sync(JsonObject app, JsonObject body)
    {
        var sync = new JsonObject
        {
            ["revision"] = body["revision"]?.GetValue<string>() ?? app["spec"]!["source"]?["targetRevision"]?.GetValue<string>(),
            ["prune"] = body["prune"]?.GetValue<bool>() ?? false,
            ["dryRun"] = body["dryRun"]?.GetValue<bool>() ?? false,
        };
        app["operation"] = Operation(sync, body["infos"]?.DeepClone());
        return Json(HttpStatusCode.OK, app);
    }

    // The API server refuses a rollback while automated sync is on, and an id that is not in the history.
    private static IResponseMessage Rollback(JsonObject app, JsonObject body)
    {
        var name = app["metadata"]!["name"]!.GetValue<string>();
        if (app["spec"]!["syncPolicy"]?["automated"] is JsonObject automated && automated["enabled"]?.GetValue<bool>() != false)
        {
            return Json(HttpStatusCode.BadRequest, Error($"rollback cannot be initiated when auto-sync is enabled", 9));
        }
        var id = body["id"]?.GetValue<long>();
        var entry = app["status"]?["history"]?.AsArray().FirstOrDefault(h => h?["id"]?.GetValue<long>() == id);
        if (entry is null)
        {
            return Json(HttpStatusCode.BadRequest, Error($"application {name} does not have deployment with id {id}", 3));
        }
        var sync = new JsonObject
        {
            ["revision"] = entry["revision"]!.DeepClone(),
            ["prune"] = body["prune"]?.GetValue<bool>() ?? false,
            ["dryRun"] = body["dryRun"]?.GetValue<bool>() ?? false,
            ["source"] = entry["source"]?.DeepClone(),
        };
        app["operation"] = Operation(sync, null);
        return Json(HttpStatusCode.OK, app);
    }

    private static JsonObject Operation(JsonObject sync, JsonNode? infos)
    {
        var operation = new JsonObject { ["sync"] = sync, ["initiatedBy"] = new JsonObject { ["username"] = "agentops" } };
        if (infos is not null)
        {
            operation["info"] = infos;
        }
        return operation;
    }

    /// <summary><c>runtimeError</c>: grpc-gateway's error body, with the gRPC status code.</summary>
    internal static JsonObject Error(string message, int code) => new() { ["error"] = message, ["code"] = code, ["message"] = message };

    private static int GrpcCode(HttpStatusCode status) => status switch
    {
        HttpStatusCode.BadRequest => 3,
        HttpStatusCode.Unauthorized => 16,
        HttpStatusCode.Forbidden => 7,
        HttpStatusCode.NotFound => 5,
        HttpStatusCode.ServiceUnavailable => 14,
        _ => 13,
    };

    private static string? Header(IRequestMessage request, string name) =>
        request.Headers?.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value?.FirstOrDefault();

    private static ResponseMessage Json(HttpStatusCode status, JsonNode body) => new()
    {
        StatusCode = (int)status,
        Headers = new Dictionary<string, WireMockList<string>> { ["Content-Type"] = new("application/json") },
        BodyData = new BodyData
        {
            BodyAsString = body.ToJsonString(),
            DetectedBodyType = BodyType.String,
            Encoding = Encoding.UTF8,
        },
    };
}
