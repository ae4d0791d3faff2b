using AgentOps.Interop.Tests.Fixtures;

namespace AgentOps.Interop.Tests;

/// <summary>
/// A client built on the official TypeScript SDK drives the Crossplane server over stdio and over Streamable HTTP:
/// handshake, tool listing, a call carrying the token the way each transport carries it, and a refused call.
/// </summary>
public sealed class SdkClientTests(StdioSandboxes sandboxes, CrossplaneOverHttp http) : IClassFixture<StdioSandboxes>, IClassFixture<CrossplaneOverHttp>
{
    [Fact]
    public async Task Stdio_ListAndCallWithMetaToken_ReturnsStructuredResult()
    {
        var token = sandboxes.Crossplane.Token(ServerUnderTest.XrdListScope);

        var output = JsonOutput.Parse(await SdkClient.OverStdioAsync(sandboxes.Crossplane, token, "xrd_list"));

        Assert.Equal("stdio", output["transport"]!.GetValue<string>());
        Assert.Equal("agentops-crossplane", output["server"]!["name"]!.GetValue<string>());
        Assert.Contains("xrd_list", JsonOutput.ToolsByName(output).Keys);
        var call = output["call"]!;
        Assert.False(JsonOutput.IsError(call), JsonOutput.Text(call));
        Assert.Equal(ServerUnderTest.ShippedKinds, call["structuredContent"]!["kinds"]!.AsArray().Select(k => k!.GetValue<string>()));
    }

    [Fact]
    public async Task Stdio_CallWithoutToken_RefusedAsToolError()
    {
        var output = JsonOutput.Parse(await SdkClient.OverStdioAsync(sandboxes.Crossplane, token: null, "xrd_list"));

        var call = output["call"]!;
        Assert.True(JsonOutput.IsError(call));
        Assert.Contains("missing_token", JsonOutput.Text(call), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Http_ListAndCallWithBearerToken_ReturnsStructuredResult()
    {
        var token = http.Server.Token(CrossplaneRequests.RenderScope);

        var output = JsonOutput.Parse(await SdkClient.OverHttpAsync(http.Server, token, "claim_render", CrossplaneRequests.RenderArguments()), serverLog: http.Server.Log);

        Assert.Equal("streamable-http", output["transport"]!.GetValue<string>());
        Assert.Equal("agentops-crossplane", output["server"]!["name"]!.GetValue<string>());
        Assert.Contains("claim_render", JsonOutput.ToolsByName(output).Keys);
        var call = output["call"]!;
        Assert.False(JsonOutput.IsError(call), JsonOutput.Text(call) + "\n--- server log ---\n" + http.Server.Log);
        Assert.Equal("payments", call["structuredContent"]!["namespace"]!.GetValue<string>());
    }

    [Fact]
    public async Task Http_CallWithoutBearerToken_RefusedAsToolError()
    {
        var output = JsonOutput.Parse(await SdkClient.OverHttpAsync(http.Server, token: null, "xrd_list"), serverLog: http.Server.Log);

        var call = output["call"]!;
        Assert.True(JsonOutput.IsError(call));
        Assert.Contains("missing_token", JsonOutput.Text(call), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Http_ExpiredBearerToken_RefusedAsToolError()
    {
        var token = http.Server.Token(ServerUnderTest.XrdListScope, mintedAt: TimeProvider.System.GetUtcNow().AddHours(-1));

        var output = JsonOutput.Parse(await SdkClient.OverHttpAsync(http.Server, token, "xrd_list"), serverLog: http.Server.Log);

        Assert.Contains("expired", JsonOutput.Text(output["call"]!), StringComparison.Ordinal);
    }
}
