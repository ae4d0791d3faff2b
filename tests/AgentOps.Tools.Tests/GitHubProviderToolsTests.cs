using System.Net;
using System.Net.Sockets;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Settings;

namespace AgentOps.Tools.Tests;

/// <summary>
/// The Git server with <c>AgentOps:Git:Provider=github</c>, its token in <c>GITHUB_TOKEN</c>, against a GitHub Enterprise
/// stub answering with the unchanged webhook fixtures (<c>tests/fixtures/github</c>). The provider itself is tested in
/// depth in AgentOps.GitOps.Tests; this checks the wiring: provider choice, token from the environment, untrusted body.
/// </summary>
public sealed class GitHubProviderToolsTests : IAsyncLifetime
{
    private const string ServerId = "spiffe://agentops.local/tool/git";
    private const string Repo = "Hello-World";
    private const string PullPath = "/api/v3/repos/Codertocat/Hello-World/pulls/2";

    private readonly string _token = "fake-github-credential-" + Guid.NewGuid().ToString("N");
    private WireMockServer _github = null!;
    private ToolServerFixture _sut = null!;

    public async Task InitializeAsync()
    {
        _github = WireMockServer.Start(new WireMockServerSettings { Urls = [$"http://127.0.0.1:{FreeLoopbackPort()}"], StartAdminInterface = false });
        Stub(PullPath, Fixture("pull_request.opened.json", "pull_request"));
        Stub(PullPath + "/reviews", $"[{Fixture("pull_request_review.submitted.json", "review")}]");
        _sut = await ToolServerFixture.StartAsync("AgentOps.Tools.Git.dll", ServerId, new Dictionary<string, string?>
        {
            ["GITHUB_TOKEN"] = _token,
            ["AgentOps__Git__Provider"] = "github",
            ["AgentOps__GitHub__Owner"] = "Codertocat",
            ["AgentOps__GitHub__Repository"] = Repo,
            ["AgentOps__GitHub__BaseUrl"] = $"http://127.0.0.1:{_github.Port}",
            ["AgentOps__GitHub__ReadRetries"] = "0",
        });
    }

    public async Task DisposeAsync()
    {
        await _sut.DisposeAsync();
        _github.Stop();
    }

    [Fact]
    public async Task PullRequestGet_GitHub_BodyUntrustedLinkToGitHubTokenOnlyInHeader()
    {
        var result = await _sut.CallAsync("pull_request_get", new() { ["repo"] = Repo, ["number"] = 2 }, _sut.Token($"git:pull_request_get:repo/{Repo}"));

        Assert.True(result.IsError != true, ToolServerFixture.Text(result));
        var pr = result.StructuredContent!.Value;
        Assert.Equal("changes", pr.GetProperty("branch").GetString());
        Assert.Equal("Codertocat", pr.GetProperty("author").GetString());
        Assert.Equal($"http://127.0.0.1:{_github.Port}/Codertocat/Hello-World/pull/2", pr.GetProperty("url").GetString());
        var body = pr.GetProperty("body");
        Assert.Equal("untrusted", body.GetProperty("trust").GetString());
        Assert.Equal("This is a pretty simple change that we need to pull into master.", body.GetProperty("text").GetString());
        var request = Assert.Single(_github.LogEntries).RequestMessage;
        Assert.Equal("Bearer " + _token, request.Headers!["Authorization"].Single());
        Assert.DoesNotContain(_token, ToolServerFixture.Text(result), StringComparison.Ordinal);
        Assert.DoesNotContain(_sut.StandardError, line => line.Contains(_token, StringComparison.Ordinal));
    }

    [Fact]
    public async Task PullRequestMerge_GitHubReviewOnlyCommented_IsErrorNamingTheRuleAndNoMergeSent()
    {
        var result = await _sut.CallAsync("pull_request_merge", new() { ["repo"] = Repo, ["number"] = 2 }, _sut.Token($"git:pull_request_merge:repo/{Repo}/pr/2"));

        Assert.True(result.IsError == true);
        Assert.Contains("forge.review.approval-required", ToolServerFixture.Text(result), StringComparison.Ordinal);
        Assert.DoesNotContain(_github.LogEntries, e => e.RequestMessage.Method == "PUT");
    }

    [Fact]
    public async Task PullRequestGet_GitHubSaysNotFound_IsError()
    {
        var result = await _sut.CallAsync("pull_request_get", new() { ["repo"] = Repo, ["number"] = 9 }, _sut.Token($"git:pull_request_get:repo/{Repo}"));

        Assert.True(result.IsError == true);
        Assert.Contains("no pull request #9", ToolServerFixture.Text(result), StringComparison.Ordinal);
    }

    private void Stub(string path, string json) =>
        _github.Given(Request.Create().WithPath(path).UsingGet().WithHeader("Authorization", "Bearer " + _token))
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json; charset=utf-8").WithBody(json));

    private static string Fixture(string file, string property)
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var path = Path.Combine(directory.FullName, "tests", "fixtures", "github", file);
            if (File.Exists(path))
            {
                return System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(path))![property]!.ToJsonString();
            }
        }
        throw new FileNotFoundException($"tests/fixtures/github/{file} not found above {AppContext.BaseDirectory}");
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
