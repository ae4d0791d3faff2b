using AgentOps.Interop.Tests.Fixtures;

namespace AgentOps.Interop.Tests;

/// <summary>
/// The MCP Inspector CLI launches the Crossplane server over stdio, as any desktop client would, and carries the
/// delegated token where stdio has room for it: <c>_meta["io.agentops/credential"]</c> of the <c>tools/call</c> request.
/// </summary>
public sealed class InspectorStdioTests(StdioSandboxes sandboxes) : IClassFixture<StdioSandboxes>
{
    [Fact]
    public async Task ToolsList_Crossplane_ReadToolsAnnotatedReadOnlyAndNotDestructive()
    {
        var run = await InspectorCli.ListToolsAsync(InspectorCli.Stdio(sandboxes.Crossplane));

        var tools = JsonOutput.ToolsByName(InspectorCli.Result(run));
        foreach (var name in new[] { "claim_render", "claim_validate", "xrd_list" })
        {
            Assert.True(tools.ContainsKey(name), $"{name} is not listed: {string.Join(", ", tools.Keys)}");
            Assert.True(JsonOutput.Hint(tools[name], "readOnlyHint"), name);
            Assert.False(JsonOutput.Hint(tools[name], "destructiveHint"), name);
            Assert.True(JsonOutput.Hint(tools[name], "idempotentHint"), name);
        }
    }

    [Fact]
    public async Task ToolsCall_XrdListWithCredentialMetadata_ReturnsShippedKinds()
    {
        var token = sandboxes.Crossplane.Token(ServerUnderTest.XrdListScope);

        var run = await InspectorCli.CallToolAsync(InspectorCli.Stdio(sandboxes.Crossplane), "xrd_list", InspectorCli.CredentialMetadata(token));

        var result = InspectorCli.Result(run);
        Assert.False(JsonOutput.IsError(result), JsonOutput.Text(result));
        var kinds = result["structuredContent"]!["kinds"]!.AsArray().Select(k => k!.GetValue<string>());
        Assert.Equal(ServerUnderTest.ShippedKinds, kinds);
    }

    [Fact]
    public async Task ToolsCall_ClaimRenderWithCredentialMetadata_ReturnsStructuredClaim()
    {
        var token = sandboxes.Crossplane.Token(CrossplaneRequests.RenderScope);

        var run = await InspectorCli.CallToolAsync(
            InspectorCli.Stdio(sandboxes.Crossplane), "claim_render",
            ["--tool-args-json", CrossplaneRequests.RenderArguments().ToJsonString(), .. InspectorCli.CredentialMetadata(token)]);

        var claim = InspectorCli.Result(run)["structuredContent"]!;
        Assert.Equal("Database", claim["kind"]!.GetValue<string>());
        Assert.Equal("payments", claim["namespace"]!.GetValue<string>());
        Assert.Contains("storageGB: 20", claim["manifest"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ToolsCall_NoCredential_RefusedWithMissingToken()
    {
        var run = await InspectorCli.CallToolAsync(InspectorCli.Stdio(sandboxes.Crossplane), "xrd_list");

        var result = InspectorCli.Result(run, InspectorCli.ToolIsErrorExitCode);
        Assert.True(JsonOutput.IsError(result));
        Assert.Contains("missing_token", JsonOutput.Text(result), StringComparison.Ordinal);
        Assert.Null(result["structuredContent"]);
    }

    [Fact]
    public async Task ToolsCall_TokenForAnotherServer_RefusedWithWrongAudience()
    {
        var token = sandboxes.Crossplane.Token(ServerUnderTest.XrdListScope, audience: ServerUnderTest.GitId);

        var run = await InspectorCli.CallToolAsync(InspectorCli.Stdio(sandboxes.Crossplane), "xrd_list", InspectorCli.CredentialMetadata(token));

        var result = InspectorCli.Result(run, InspectorCli.ToolIsErrorExitCode);
        Assert.True(JsonOutput.IsError(result));
        Assert.Contains("wrong_audience", JsonOutput.Text(result), StringComparison.Ordinal);
        Assert.Null(result["structuredContent"]);
    }
}
