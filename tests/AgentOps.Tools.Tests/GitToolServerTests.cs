using System.Text.Json;

namespace AgentOps.Tools.Tests;

/// <summary>The Git server as a child process: it checks the delegated token before it touches a repository.</summary>
public sealed class GitToolServerTests : IAsyncLifetime
{
    private const string ServerId = "spiffe://agentops.local/tool/git";
    private const string CreateScope = "git:branch_create:repo/platform-gitops/branch/agentops/test/one";
    private ToolServerFixture _sut = null!;

    public async Task InitializeAsync() => _sut = await ToolServerFixture.StartAsync("AgentOps.Tools.Git.dll", ServerId);

    public async Task DisposeAsync() => await _sut.DisposeAsync();

    private static Dictionary<string, object?> BranchArgs(string repo = "platform-gitops") => new()
    {
        ["repo"] = repo,
        ["branch"] = "agentops/test/one",
        ["base"] = "main",
    };

    [Fact]
    public async Task ToolsList_AnnotationsAreTruthful()
    {
        var tools = await _sut.Client.ListToolsAsync();

        var byName = tools.ToDictionary(t => t.Name);
        Assert.True(byName["file_read"].ProtocolTool.Annotations!.ReadOnlyHint);
        Assert.False(byName["branch_create"].ProtocolTool.Annotations!.ReadOnlyHint);
        Assert.True(byName["branch_delete"].ProtocolTool.Annotations!.DestructiveHint);
        Assert.False(byName["files_write"].ProtocolTool.Annotations!.DestructiveHint);
    }

    [Fact]
    public async Task BranchCreate_NoToken_Refused()
    {
        var result = await _sut.CallAsync("branch_create", BranchArgs(), token: null);

        Assert.True(result.IsError == true);
        Assert.Contains("missing_token", ToolServerFixture.Text(result), StringComparison.Ordinal);
    }

    [Fact]
    public async Task BranchCreate_ExpiredToken_Refused()
    {
        var token = _sut.Token(CreateScope, mintedAt: TimeProvider.System.GetUtcNow().AddHours(-1));

        var result = await _sut.CallAsync("branch_create", BranchArgs(), token);

        Assert.True(result.IsError == true);
        Assert.Contains("expired", ToolServerFixture.Text(result), StringComparison.Ordinal);
    }

    [Fact]
    public async Task BranchCreate_TokenForAnotherServer_Refused()
    {
        var token = _sut.Token(CreateScope, audience: "spiffe://agentops.local/tool/crossplane");

        var result = await _sut.CallAsync("branch_create", BranchArgs(), token);

        Assert.True(result.IsError == true);
        Assert.Contains("wrong_audience", ToolServerFixture.Text(result), StringComparison.Ordinal);
    }

    [Fact]
    public async Task BranchCreate_ScopeForAnotherRepository_Refused()
    {
        var token = _sut.Token("git:branch_create:repo/other-repo/branch/agentops/test/one");

        var result = await _sut.CallAsync("branch_create", BranchArgs(), token);

        Assert.True(result.IsError == true);
        Assert.Contains("insufficient_scope", ToolServerFixture.Text(result), StringComparison.Ordinal);
    }

    [Fact]
    public async Task BranchCreate_TokenForAnotherTool_Refused()
    {
        var token = _sut.Token("git:commit:repo/platform-gitops/branch/agentops/test/one");

        var result = await _sut.CallAsync("branch_create", BranchArgs(), token);

        Assert.True(result.IsError == true);
        Assert.Contains("insufficient_scope", ToolServerFixture.Text(result), StringComparison.Ordinal);
    }

    [Fact]
    public async Task BranchCreate_TokenForAnotherBranch_Refused()
    {
        var token = _sut.Token("git:branch_create:repo/platform-gitops/branch/agentops/test/other");

        var result = await _sut.CallAsync("branch_create", BranchArgs(), token);

        Assert.True(result.IsError == true);
        Assert.Contains("insufficient_scope", ToolServerFixture.Text(result), StringComparison.Ordinal);
    }

    [Fact]
    public async Task BranchCreate_ForgedSignature_Refused()
    {
        var token = _sut.Token(CreateScope);
        var parts = token.Split('.');
        // One changed character of a genuine signature: still canonical base64url and nonzero (an all-'A' signature is
        // r = s = 0, which the verifier refuses earlier as zero_signature).
        var forged = parts[0] + "." + parts[1] + "." + (parts[2][0] == 'Q' ? 'R' : 'Q') + parts[2][1..];

        var result = await _sut.CallAsync("branch_create", BranchArgs(), forged);

        Assert.True(result.IsError == true);
        Assert.Contains("invalid_signature", ToolServerFixture.Text(result), StringComparison.Ordinal);
    }

    [Fact]
    public async Task BranchCreate_ValidToken_CreatesBranchAndReplayIsRefused()
    {
        var token = _sut.Token(CreateScope);
        await SeedForgeAsync();

        var first = await _sut.CallAsync("branch_create", BranchArgs(), token);
        var replay = await _sut.CallAsync("branch_create", BranchArgs(), token);

        Assert.True(first.IsError != true, ToolServerFixture.Text(first));
        Assert.Equal("agentops/test/one", first.StructuredContent!.Value.GetProperty("branch").GetString());
        Assert.True(replay.IsError == true);
        Assert.Contains("replayed", ToolServerFixture.Text(replay), StringComparison.Ordinal);
    }

    [Fact]
    public async Task BranchCreate_TokenReplayedToAnotherServerProcess_Refused()
    {
        await SeedForgeAsync();
        var token = _sut.Token(CreateScope);
        var first = await _sut.CallAsync("branch_create", BranchArgs(), token);
        Assert.True(first.IsError != true, ToolServerFixture.Text(first));

        // A second process on the same state, as the next CLI command (or an attacker holding a copied token) would start.
        var second = await ToolServerFixture.StartInAsync(_sut.Directory, "AgentOps.Tools.Git.dll", ServerId);
        var replay = await second.Client.CallToolAsync("branch_create", BranchArgs(),
            options: new ModelContextProtocol.RequestOptions { Meta = new System.Text.Json.Nodes.JsonObject { ["io.agentops/credential"] = token } });
        await second.Client.DisposeAsync();

        Assert.True(replay.IsError == true);
        Assert.Contains("replayed", ToolServerFixture.Text(replay), StringComparison.Ordinal);
    }

    [Fact]
    public async Task FilesWrite_PathOutsideAllowList_RefusedAndNothingWritten()
    {
        await SeedForgeAsync();
        var create = await _sut.CallAsync("branch_create", BranchArgs(), _sut.Token(CreateScope));
        Assert.True(create.IsError != true, ToolServerFixture.Text(create));

        var result = await _sut.CallAsync("files_write", new Dictionary<string, object?>
        {
            ["repo"] = "platform-gitops",
            ["branch"] = "agentops/test/one",
            ["files"] = JsonSerializer.SerializeToElement(new[]
            {
                new { path = "teams/payments/ok.yaml", content = "a: 1\n", mode = "create" },
                new { path = "../../etc/passwd", content = "x", mode = "create" },
            }),
        }, _sut.Token("git:files_write:repo/platform-gitops/branch/agentops/test/one"));

        Assert.True(result.IsError == true);
        Assert.Contains("'..'", ToolServerFixture.Text(result), StringComparison.Ordinal);
        var workspace = Path.Combine(_sut.Directory, "workspaces", "platform-gitops", "agentops~test~one");
        Assert.False(File.Exists(Path.Combine(workspace, "teams", "payments", "ok.yaml")));
    }

    // The forge repository is created by the orchestrator at start-up; here we create it the same way.
    private Task SeedForgeAsync()
    {
        var forgeRoot = Path.Combine(_sut.Directory, "forge");
        var path = Path.Combine(forgeRoot, "platform-gitops.git");
        if (!Directory.Exists(path))
        {
            AgentOps.GitOps.BareRepository.OpenOrCreate(forgeRoot, "platform-gitops", new LibGit2Sharp.Signature("t", "t@example.com", TimeProvider.System.GetUtcNow()));
        }
        return Task.CompletedTask;
    }
}
