using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using WireMock;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Settings;
using WireMock.Types;
using WireMock.Util;

namespace AgentOps.GitOps.Tests;

/// <summary>
/// GitHub Enterprise's REST API (<c>/api/v3</c>) on 127.0.0.1 for one repository, answering the pull-request routes
/// the provider uses. Pull requests and reviews are the webhook fixtures in <c>tests/fixtures/github</c> (their
/// <c>pull_request</c> and <c>review</c> objects have the REST resources' shape) with numbers, branches and states
/// filled in. It checks the token, keeps state, refuses a merge whose <c>sha</c> is not the head with 409 and an
/// unmergeable one with 405, as GitHub does, and records every request.
/// </summary>
internal sealed class FakeGitHubApi : IDisposable
{
    public const string Owner = "acme";
    public const string Repository = "platform-gitops";
    public const string BotLogin = "agentops-bot[bot]";
    public const string PullsPath = $"/api/v3/repos/{Owner}/{Repository}/pulls";

    private readonly WireMockServer _server;
    private readonly ConcurrentDictionary<long, JsonObject> _pulls = new();
    private readonly ConcurrentDictionary<long, List<JsonObject>> _reviews = new();
    private readonly ConcurrentDictionary<string, string> _branches = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<(string Method, string Path, int Status)> _failures = new();
    private readonly Lock _gate = new();
    private long _nextNumber = 1;
    private long _nextReviewId = 80;

    private FakeGitHubApi(WireMockServer server, string token)
    {
        _server = server;
        Token = token;
        Url = $"http://127.0.0.1:{server.Port}";
    }

    public string Token { get; }

    /// <summary>The server URL, as <c>AgentOps:GitHub:BaseUrl</c> names a GitHub Enterprise server.</summary>
    public string Url { get; }

    public static FakeGitHubApi Start()
    {
        var server = WireMockServer.Start(new WireMockServerSettings
        {
            Urls = [$"http://127.0.0.1:{FreeLoopbackPort()}"],
            StartAdminInterface = false,
        });
        // Shaped like no secret pattern, so a leak would show in assertions rather than be redacted away.
        var fake = new FakeGitHubApi(server, "fake-github-credential-" + Guid.NewGuid().ToString("N"));
        server.Given(Request.Create().WithPath(p => p.StartsWith("/api/v3/", StringComparison.Ordinal)).UsingAnyMethod())
            .RespondWith(Response.Create().WithCallback(fake.Answer));
        return fake;
    }

    public static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <summary>A branch pushed to the repository (or pushed again, moving its head).</summary>
    public void Push(string branch, string sha) => _branches[branch] = sha;

    /// <summary>A pull request someone opened directly on GitHub; returns its number.</summary>
    public long Seed(string head, string title, string body, string author = "octocat", string state = "open")
    {
        lock (_gate)
        {
            var number = _nextNumber++;
            var pr = Template("pull_request.opened.json", "pull_request");
            Fill(pr, number, head, "main", title, body, author, author == BotLogin ? "Bot" : "User");
            pr["state"] = state;
            _pulls[number] = pr;
            return number;
        }
    }

    /// <summary>A review submitted on GitHub (the review fixture with login, state and commit replaced).</summary>
    public void Review(long number, string login, string state, string commitId, bool bot = false)
    {
        lock (_gate)
        {
            var review = Template("pull_request_review.submitted.json", "review");
            review["id"] = _nextReviewId++;
            review["state"] = state;
            review["commit_id"] = commitId;
            review["submitted_at"] = TimeProvider.System.GetUtcNow().AddSeconds(_nextReviewId).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
            review["user"]!["login"] = login;
            review["user"]!["type"] = bot ? "Bot" : "User";
            _reviews.GetOrAdd(number, _ => []).Add(review);
        }
    }

    /// <summary>The next <paramref name="method"/> on <paramref name="path"/> answers <paramref name="status"/> once.</summary>
    public void FailOnce(string method, string path, int status) => _failures.Enqueue((method, path, status));

    public JsonObject PullRequest(long number) => _pulls[number];

    public IReadOnlyList<IRequestMessage> Requests(string method, string? path = null) =>
        _server.LogEntries
            .Select(e => e.RequestMessage)
            .Where(r => string.Equals(r.Method, method, StringComparison.OrdinalIgnoreCase) && (path is null || r.Path == path))
            .OrderBy(r => r.DateTime)
            .ToArray();

    public static string PullPath(long number) => $"{PullsPath}/{number}";

    public void Dispose() => _server.Stop();

    private IResponseMessage Answer(IRequestMessage request)
    {
        if (request.Headers?.TryGetValue("Authorization", out var authorization) != true || authorization?.FirstOrDefault() != "Bearer " + Token)
        {
            return Error(401, "Bad credentials");
        }
        if (_failures.TryPeek(out var failure) && failure.Method == request.Method && failure.Path == request.Path && _failures.TryDequeue(out _))
        {
            return Error(failure.Status, failure.Status >= 500 ? "Server Error" : "Injected failure");
        }
        var path = request.Path;
        if (!path.StartsWith(PullsPath, StringComparison.Ordinal))
        {
            return Error(404, "Not Found");
        }
        var rest = path[PullsPath.Length..].Trim('/').Split('/', StringSplitOptions.RemoveEmptyEntries);
        lock (_gate)
        {
            return (request.Method, rest) switch
            {
                ("POST", []) => Create(JsonNode.Parse(request.Body ?? "{}")!.AsObject()),
                ("GET", []) => List(request.Query?.TryGetValue("state", out var state) == true ? state.First() : "open"),
                ("GET", [var n]) when Find(n) is { } pr => Accepts(request, "application/vnd.github.diff") ? Diff(pr) : Json(200, pr),
                ("PATCH", [var n]) when Find(n) is { } pr => Update(pr, JsonNode.Parse(request.Body ?? "{}")!.AsObject()),
                ("GET", [var n, "reviews"]) when Find(n) is { } pr => Json(200, new JsonArray(Reviews(pr).Select(r => (JsonNode)r.DeepClone()).ToArray())),
                ("PUT", [var n, "merge"]) when Find(n) is { } pr => Merge(pr, JsonNode.Parse(request.Body ?? "{}")!.AsObject()),
                _ => Error(404, "Not Found"),
            };
        }
    }

    private IResponseMessage Create(JsonObject body)
    {
        var head = body["head"]?.GetValue<string>() ?? string.Empty;
        if (!_branches.ContainsKey(head))
        {
            return Error(422, "Validation Failed", new JsonObject { ["resource"] = "PullRequest", ["field"] = "head", ["code"] = "invalid" });
        }
        if (_pulls.Values.Any(p => p["head"]!["ref"]!.GetValue<string>() == head && p["state"]!.GetValue<string>() == "open"))
        {
            return Error(422, "Validation Failed",
                new JsonObject { ["resource"] = "PullRequest", ["code"] = "custom", ["message"] = $"A pull request already exists for {Owner}:{head}." });
        }
        var number = _nextNumber++;
        var pr = Template("pull_request.opened.json", "pull_request");
        Fill(pr, number, head, body["base"]?.GetValue<string>() ?? "main", body["title"]?.GetValue<string>() ?? string.Empty,
            body["body"]?.GetValue<string>(), BotLogin, "Bot");
        _pulls[number] = pr;
        return Json(201, pr);
    }

    private IResponseMessage List(string state)
    {
        var pulls = _pulls.Values
            .Where(p => state == "all" || p["state"]!.GetValue<string>() == state)
            .OrderByDescending(p => p["number"]!.GetValue<long>())
            .Select(p => (JsonNode)p.DeepClone())
            .ToArray();
        return Json(200, new JsonArray(pulls));
    }

    private static IResponseMessage Update(JsonObject pr, JsonObject body)
    {
        if (body["state"]?.GetValue<string>() is { } state)
        {
            pr["state"] = state;
            pr["closed_at"] = state == "closed" ? Now() : null;
        }
        return Json(200, pr);
    }

    private IResponseMessage Merge(JsonObject pr, JsonObject body)
    {
        if (pr["state"]!.GetValue<string>() != "open")
        {
            return Error(405, "Pull Request is not mergeable");
        }
        var head = _branches[pr["head"]!["ref"]!.GetValue<string>()];
        if (body["sha"]?.GetValue<string>() is { } sha && sha != head)
        {
            return Error(409, "Head branch was modified. Review and try the merge again.");
        }
        var mergeSha = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()) + "00000000";
        pr["state"] = "closed";
        pr["merged"] = true;
        pr["merged_at"] = Now();
        pr["closed_at"] = Now();
        pr["merge_commit_sha"] = mergeSha;
        pr["merged_by"] = pr["user"]!.DeepClone();
        return Json(200, new JsonObject { ["sha"] = mergeSha, ["merged"] = true, ["message"] = "Pull Request successfully merged" });
    }

    private static IResponseMessage Diff(JsonObject pr) => new ResponseMessage
    {
        StatusCode = 200,
        Headers = new Dictionary<string, WireMockList<string>> { ["Content-Type"] = new("application/vnd.github.diff; charset=utf-8") },
        BodyData = new BodyData
        {
            BodyAsString = $"diff --git a/README.md b/README.md\n--- a/README.md\n+++ b/README.md\n@@ -1 +1 @@\n-Hello World\n+{pr["title"]}\n",
            DetectedBodyType = BodyType.String,
        },
    };

    private List<JsonObject> Reviews(JsonObject pr) => _reviews.TryGetValue(pr["number"]!.GetValue<long>(), out var reviews) ? reviews : [];

    private JsonObject? Find(string number) =>
        long.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && _pulls.TryGetValue(n, out var pr) ? pr : null;

    private void Fill(JsonObject pr, long number, string head, string @base, string title, string? body, string author, string authorType)
    {
        var sha = _branches.TryGetValue(head, out var headSha) ? headSha : new string('a', 40);
        pr["number"] = number;
        pr["id"] = 279147437 + number;
        pr["url"] = $"https://api.github.com/repos/{Owner}/{Repository}/pulls/{number}";
        pr["html_url"] = $"https://github.com/{Owner}/{Repository}/pull/{number}";
        pr["title"] = title;
        pr["body"] = body;
        pr["state"] = "open";
        pr["created_at"] = Now();
        pr["updated_at"] = Now();
        pr["head"]!["ref"] = head;
        pr["head"]!["sha"] = sha;
        pr["head"]!["label"] = $"{Owner}:{head}";
        pr["base"]!["ref"] = @base;
        pr["base"]!["label"] = $"{Owner}:{@base}";
        pr["user"]!["login"] = author;
        pr["user"]!["type"] = authorType;
    }

    private static JsonObject Template(string file, string property)
    {
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "fixtures", "github", file)))!;
        return json[property]!.DeepClone().AsObject();
    }

    private static bool Accepts(IRequestMessage request, string mediaType) =>
        request.Headers?.TryGetValue("Accept", out var accept) == true && accept.Any(a => a.Contains(mediaType, StringComparison.Ordinal));

    private static string Now() => TimeProvider.System.GetUtcNow().ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);

    private static IResponseMessage Json(int status, JsonNode body) => new ResponseMessage
    {
        StatusCode = status,
        Headers = new Dictionary<string, WireMockList<string>> { ["Content-Type"] = new("application/json; charset=utf-8") },
        BodyData = new BodyData { BodyAsString = body.ToJsonString(), DetectedBodyType = BodyType.String },
    };

    private static IResponseMessage Error(int status, string message, JsonObject? error = null)
    {
        var body = new JsonObject { ["message"] = message, ["documentation_url"] = "https://docs.github.com/rest" };
        if (error is not null)
        {
            body["errors"] = new JsonArray(error);
        }
        return Json(status, body);
    }
}
