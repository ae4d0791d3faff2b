using AgentOps.Interop.Tests.Fixtures;

namespace AgentOps.Interop.Tests;

/// <summary>
/// The MCP Inspector CLI against the Crossplane server in Streamable HTTP mode, where the token is the
/// <c>Authorization: Bearer</c> header, as the MCP authorization spec has it for HTTP.
/// </summary>
public sealed class InspectorHttpTests(CrossplaneOverHttp http) : IClassFixture<CrossplaneOverHttp>
{
    [Fact]
    public async Task ToolsList_OverHttp_ListsToolsWithAnnotations()
    {
        var run = await InspectorCli.ListToolsAsync(InspectorCli.Http(http.Server));

        var tools = JsonOutput.ToolsByName(InspectorCli.Result(run, serverLog: http.Server.Log));
        Assert.Subset(tools.Keys.ToHashSet(), new HashSet<string> { "claim_render", "claim_validate", "xrd_list" });
        Assert.True(JsonOutput.Hint(tools["xrd_list"], "readOnlyHint"));
        Assert.False(JsonOutput.Hint(tools["xrd_list"], "destructiveHint"));
    }

    [Fact]
    public async Task ToolsCall_WithBearerHeader_ReturnsStructuredResult()
    {
        var token = http.Server.Token(ServerUnderTest.XrdListScope);

        var run = await InspectorCli.CallToolAsync(InspectorCli.Http(http.Server), "xrd_list", InspectorCli.BearerHeader(token));

        var result = InspectorCli.Result(run, serverLog: http.Server.Log);
        Assert.False(JsonOutput.IsError(result), JsonOutput.Text(result));
        Assert.Equal(ServerUnderTest.ShippedKinds, result["structuredContent"]!["kinds"]!.AsArray().Select(k => k!.GetValue<string>()));
    }

    [Fact]
    public async Task ToolsCall_WithoutBearerHeader_RefusedWithMissingToken()
    {
        var run = await InspectorCli.CallToolAsync(InspectorCli.Http(http.Server), "xrd_list");

        var result = InspectorCli.Result(run, InspectorCli.ToolIsErrorExitCode, http.Server.Log);
        Assert.True(JsonOutput.IsError(result));
        Assert.Contains("missing_token", JsonOutput.Text(result), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ToolsCall_TokenInMetadataOnly_RefusedBecauseOnlyTheHeaderCountsOverHttp()
    {
        var token = http.Server.Token(ServerUnderTest.XrdListScope);

        var run = await InspectorCli.CallToolAsync(InspectorCli.Http(http.Server), "xrd_list", InspectorCli.CredentialMetadata(token));

        var result = InspectorCli.Result(run, InspectorCli.ToolIsErrorExitCode, http.Server.Log);
        Assert.Contains("missing_token", JsonOutput.Text(result), StringComparison.Ordinal);
    }
}
