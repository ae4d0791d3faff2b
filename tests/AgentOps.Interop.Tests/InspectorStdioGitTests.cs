using AgentOps.Interop.Tests.Fixtures;

namespace AgentOps.Interop.Tests;

/// <summary>The MCP Inspector CLI launches the Git server over stdio: its annotations and its credential check.</summary>
public sealed class InspectorStdioGitTests(StdioSandboxes sandboxes) : IClassFixture<StdioSandboxes>
{
    private const string ListScope = "git:pull_request_list:repo/platform-gitops";

    [Fact]
    public async Task ToolsList_Git_AnnotationsTellReadsWritesAndDeletesApart()
    {
        var run = await InspectorCli.ListToolsAsync(InspectorCli.Stdio(sandboxes.Git));

        var tools = JsonOutput.ToolsByName(InspectorCli.Result(run));
        Assert.Subset(tools.Keys.ToHashSet(), new HashSet<string> { "file_read", "pull_request_list", "branch_create", "branch_delete" });
        Assert.True(JsonOutput.Hint(tools["file_read"], "readOnlyHint"));
        Assert.False(JsonOutput.Hint(tools["file_read"], "destructiveHint"));
        Assert.True(JsonOutput.Hint(tools["pull_request_list"], "readOnlyHint"));
        Assert.False(JsonOutput.Hint(tools["branch_create"], "readOnlyHint"));
        Assert.False(JsonOutput.Hint(tools["branch_create"], "destructiveHint"));
        Assert.False(JsonOutput.Hint(tools["branch_delete"], "readOnlyHint"));
        Assert.True(JsonOutput.Hint(tools["branch_delete"], "destructiveHint"));
    }

    [Fact]
    public async Task ToolsCall_PullRequestListWithCredentialMetadata_ReturnsStructuredList()
    {
        var token = sandboxes.Git.Token(ListScope);

        var run = await InspectorCli.CallToolAsync(
            InspectorCli.Stdio(sandboxes.Git), "pull_request_list", ["--tool-arg", "repo=platform-gitops", .. InspectorCli.CredentialMetadata(token)]);

        var result = InspectorCli.Result(run);
        Assert.False(JsonOutput.IsError(result), JsonOutput.Text(result));
        Assert.Empty(result["structuredContent"]!["pullRequests"]!.AsArray());
    }

    [Fact]
    public async Task ToolsCall_ScopeForAnotherRepository_RefusedWithInsufficientScope()
    {
        var token = sandboxes.Git.Token("git:pull_request_list:repo/other-repo");

        var run = await InspectorCli.CallToolAsync(
            InspectorCli.Stdio(sandboxes.Git), "pull_request_list", ["--tool-arg", "repo=platform-gitops", .. InspectorCli.CredentialMetadata(token)]);

        var result = InspectorCli.Result(run, InspectorCli.ToolIsErrorExitCode);
        Assert.Contains("insufficient_scope", JsonOutput.Text(result), StringComparison.Ordinal);
        Assert.Null(result["structuredContent"]);
    }
}
