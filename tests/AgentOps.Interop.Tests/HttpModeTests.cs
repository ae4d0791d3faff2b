using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using AgentOps.Interop.Tests.Fixtures;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace AgentOps.Interop.Tests;

/// <summary>
/// What only the Streamable HTTP mode has to get right, checked with raw HTTP and our own C# client: the Host allow-list
/// against DNS rebinding, the Bearer header as the only place a token counts, and <c>--read-only</c>.
/// </summary>
public sealed class HttpModeTests(CrossplaneOverHttp crossplane, GitReadOnlyOverHttp gitReadOnly)
    : IClassFixture<CrossplaneOverHttp>, IClassFixture<GitReadOnlyOverHttp>
{
    private const string InitializeRequest =
        """{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"raw-http","version":"1.0"}}}""";

    [Theory]
    [InlineData("evil.example")]
    [InlineData("evil.example:80")]
    [InlineData("127.0.0.1.evil.example")]
    public async Task Post_HostHeaderOfAnotherSite_RejectedWith400(string host)
    {
        using var response = await PostInitializeAsync(crossplane.Server, host);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.DoesNotContain("agentops-crossplane", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("localhost")]
    public async Task Post_HostHeaderOfTheBoundHost_Answered(string host)
    {
        using var response = await PostInitializeAsync(crossplane.Server, $"{host}:{crossplane.Server.Port}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("agentops-crossplane", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CallTool_TokenInMetaWithoutBearerHeader_RefusedWithMissingToken()
    {
        await using var client = await crossplane.Server.ConnectAsync();
        var meta = new JsonObject { ["io.agentops/credential"] = crossplane.Server.Token(ServerUnderTest.XrdListScope) };

        var result = await CallAsync(client, "xrd_list", [], meta);

        Assert.True(result.IsError, crossplane.Server.Log);
        Assert.Contains("missing_token", Text(result), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CallTool_SameKindOfTokenAsBearerHeader_Allowed()
    {
        await using var client = await crossplane.Server.ConnectAsync(crossplane.Server.Token(ServerUnderTest.XrdListScope));

        var result = await CallAsync(client, "xrd_list", []);

        Assert.True(result.IsError != true, Text(result) + crossplane.Server.Log);
        Assert.Equal(ServerUnderTest.ShippedKinds.Length, result.StructuredContent!.Value.GetProperty("kinds").GetArrayLength());
    }

    [Fact]
    public async Task CallTool_WriteToolOnReadOnlyServer_RefusedEvenWithAValidToken()
    {
        const string scope = "git:branch_create:repo/platform-gitops/branch/agentops/interop/read-only";
        await using var client = await gitReadOnly.Server.ConnectAsync(gitReadOnly.Server.Token(scope));

        var result = await CallAsync(client, "branch_create", new() { ["repo"] = "platform-gitops", ["branch"] = "agentops/interop/read-only", ["base"] = "main" });

        Assert.True(result.IsError, gitReadOnly.Server.Log);
        Assert.Contains("read_only", Text(result), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CallTool_ReadToolOnReadOnlyServer_Allowed()
    {
        await using var client = await gitReadOnly.Server.ConnectAsync(gitReadOnly.Server.Token("git:pull_request_list:repo/platform-gitops"));

        var result = await CallAsync(client, "pull_request_list", new() { ["repo"] = "platform-gitops" });

        Assert.True(result.IsError != true, Text(result) + gitReadOnly.Server.Log);
        Assert.Equal(0, result.StructuredContent!.Value.GetProperty("pullRequests").GetArrayLength());
    }

    private static async Task<HttpResponseMessage> PostInitializeAsync(HttpToolServer server, string host)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        using var request = new HttpRequestMessage(HttpMethod.Post, server.Endpoint)
        {
            Content = new StringContent(InitializeRequest, Encoding.UTF8, "application/json"),
        };
        request.Headers.Host = host;
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        return await http.SendAsync(request);
    }

    private static async Task<CallToolResult> CallAsync(McpClient client, string tool, Dictionary<string, object?> arguments, JsonObject? meta = null)
    {
        try
        {
            return await client.CallToolAsync(tool, arguments, options: new RequestOptions { Meta = meta });
        }
        catch (McpException ex)
        {
            return new CallToolResult { IsError = true, Content = [new TextContentBlock { Text = ex.Message }] };
        }
    }

    private static string Text(CallToolResult result) => string.Join("\n", result.Content.OfType<TextContentBlock>().Select(t => t.Text));
}
