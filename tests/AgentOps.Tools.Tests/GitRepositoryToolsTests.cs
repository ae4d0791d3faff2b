using System.Text.Json;
using LibGit2Sharp;

namespace AgentOps.Tools.Tests;

/// <summary>
/// repository_clone, commit, push, diff and revert on the Git server as a child process, against a real bare remote
/// over file:// that the server is allowed to use.
/// </summary>
public sealed class GitRepositoryToolsTests : IAsyncLifetime
{
    private const string ServerId = "spiffe://agentops.local/tool/git";
    private const string Repo = "app-config";
    private const string Branch = "agentops/app/scale";

    private string _remoteRoot = null!;
    private string _remotePath = null!;
    private string _remoteUrl = null!;
    private ToolServerFixture _sut = null!;

    public async Task InitializeAsync()
    {
        _remoteRoot = Path.Combine(Path.GetTempPath(), "agentops-git-remotes", Guid.NewGuid().ToString("N"));
        _remotePath = AgentOps.GitOps.BareRepository.OpenOrCreate(_remoteRoot, "app-config", new Signature("t", "t@example.com", TimeProvider.System.GetUtcNow())).Path;
        _remoteUrl = new Uri(_remotePath).AbsoluteUri;
        _sut = await ToolServerFixture.StartAsync("AgentOps.Tools.Git.dll", ServerId,
            "--AgentOps:Git:AllowedRemotes:0", new Uri(_remoteRoot + "/").AbsoluteUri);
    }

    public async Task DisposeAsync()
    {
        await _sut.DisposeAsync();
        try
        {
            foreach (var file in Directory.EnumerateFiles(_remoteRoot, "*", SearchOption.AllDirectories))
            {
                File.SetAttributes(file, FileAttributes.Normal);
            }
            Directory.Delete(_remoteRoot, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [Fact]
    public async Task ToolsList_NewToolsAnnotationsAreTruthful()
    {
        var byName = (await _sut.Client.ListToolsAsync()).ToDictionary(t => t.Name, t => t.ProtocolTool.Annotations!);

        Assert.Equal((true, false, true), (byName["diff"].ReadOnlyHint, byName["diff"].DestructiveHint, byName["diff"].IdempotentHint));
        Assert.Equal((false, false, false), (byName["revert"].ReadOnlyHint, byName["revert"].DestructiveHint, byName["revert"].IdempotentHint));
        Assert.Equal((false, false, true), (byName["repository_clone"].ReadOnlyHint, byName["repository_clone"].DestructiveHint, byName["repository_clone"].IdempotentHint));
        Assert.Equal((false, true, true), (byName["pull_request_merge"].ReadOnlyHint, byName["pull_request_merge"].DestructiveHint, byName["pull_request_merge"].IdempotentHint));
    }

    [Fact]
    public async Task RepositoryClone_AllowedRemote_ClonedAndPushReachesRemoteWithAgentAuthorAndHumanCoAuthor()
    {
        var clone = await CallAsync("repository_clone", new() { ["repo"] = Repo, ["url"] = _remoteUrl }, $"git:repository_clone:repo/{Repo}");
        Assert.Equal(_remoteUrl, clone.GetProperty("remote").GetString());
        Assert.Equal("main", clone.GetProperty("defaultBranch").GetString());

        await CreateBranchAndWriteAsync("teams/app/deployment.yaml", "replicas: 3\n");
        var commit = await CallAsync("commit", BranchArgs(new() { ["message"] = "Scale app to 3" }), BranchScope("commit"));
        await CallAsync("push", BranchArgs(), BranchScope("push"));

        using var remote = new Repository(_remotePath);
        var tip = remote.Branches[Branch].Tip;
        Assert.Equal(commit.GetProperty("sha").GetString(), tip.Sha);
        Assert.Equal("agentops/infra-provisioner", tip.Author.Name);
        Assert.Equal("infra-provisioner@agents.agentops.local", tip.Author.Email);
        Assert.Equal("Scale app to 3\n\nCo-authored-by: developer <developer@example.com>\n", tip.Message);
        Assert.Equal("developer <developer@example.com>", commit.GetProperty("coAuthor").GetString());
        Assert.Equal("replicas: 3\n", ((Blob)tip["teams/app/deployment.yaml"].Target).GetContentText());
    }

    [Fact]
    public async Task RepositoryClone_RemoteNotAllowListed_IsErrorAndNothingCloned()
    {
        var elsewhere = new Uri(Path.Combine(Path.GetTempPath(), "agentops-not-allowed", "x.git")).AbsoluteUri;

        var result = await _sut.CallAsync("repository_clone", new() { ["repo"] = Repo, ["url"] = elsewhere }, _sut.Token($"git:repository_clone:repo/{Repo}"));

        Assert.True(result.IsError == true);
        Assert.Contains("git.remote.allow-list", ToolServerFixture.Text(result), StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_sut.Directory, "forge", Repo + ".git")));
    }

    [Fact]
    public async Task RepositoryClone_TokenForAnotherRepository_Refused()
    {
        var result = await _sut.CallAsync("repository_clone", new() { ["repo"] = Repo, ["url"] = _remoteUrl }, _sut.Token("git:repository_clone:repo/platform-gitops"));

        Assert.True(result.IsError == true);
        Assert.Contains("insufficient_scope", ToolServerFixture.Text(result), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Diff_AfterWrite_ReturnsCountsAndPatchAsRedactedUntrustedText()
    {
        await CloneAsync();
        // A token someone committed by mistake: the patch must come back with it redacted.
        var leaked = "ghp_" + new string('x', 36);
        await CreateBranchAndWriteAsync("teams/app/config.yaml", $"replicas: 2\nnote: {leaked}\n");

        var result = await _sut.CallAsync("diff", BranchArgs(), _sut.Token(BranchScope("diff")));

        Assert.True(result.IsError != true, ToolServerFixture.Text(result));
        var diff = result.StructuredContent!.Value;
        Assert.Equal("workspace", diff.GetProperty("source").GetString());
        var file = Assert.Single(diff.GetProperty("files").EnumerateArray());
        Assert.Equal("teams/app/config.yaml", file.GetProperty("path").GetString());
        Assert.Equal("added", file.GetProperty("status").GetString());
        Assert.Equal(2, diff.GetProperty("additions").GetInt32());
        var patch = diff.GetProperty("patch");
        Assert.Equal("untrusted", patch.GetProperty("trust").GetString());
        Assert.Equal("git-diff", patch.GetProperty("origin").GetString());
        Assert.Contains("+replicas: 2", patch.GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain(leaked, ToolServerFixture.Text(result), StringComparison.Ordinal);
        Assert.DoesNotContain(leaked, patch.GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Equal("untrusted", result.Meta!["io.agentops/trust"]!.GetValue<string>());
    }

    [Fact]
    public async Task Diff_ReadOnlyServer_Allowed()
    {
        await using var readOnly = await ToolServerFixture.StartAsync("AgentOps.Tools.Git.dll", ServerId, "--read-only");
        AgentOps.GitOps.BareRepository.OpenOrCreate(Path.Combine(readOnly.Directory, "forge"), "platform-gitops", new Signature("t", "t@example.com", TimeProvider.System.GetUtcNow()));

        var diff = await readOnly.CallAsync("diff", new() { ["repo"] = "platform-gitops", ["branch"] = "main", ["base"] = "main" },
            readOnly.Token("git:diff:repo/platform-gitops/branch/main"));
        var revert = await readOnly.CallAsync("revert", new() { ["repo"] = "platform-gitops", ["branch"] = "main", ["sha"] = "abcdef1" },
            readOnly.Token("git:revert:repo/platform-gitops/branch/main"));

        Assert.True(diff.IsError != true, ToolServerFixture.Text(diff));
        Assert.Empty(diff.StructuredContent!.Value.GetProperty("files").EnumerateArray());
        Assert.True(revert.IsError == true);
        Assert.Contains("read-only", ToolServerFixture.Text(revert), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Revert_CommitOnBranch_NewCommitUndoesItWithCoAuthor()
    {
        await CloneAsync();
        await CreateBranchAndWriteAsync("teams/app/feature.yaml", "enabled: true\n");
        var commit = await CallAsync("commit", BranchArgs(new() { ["message"] = "Enable feature" }), BranchScope("commit"));
        var sha = commit.GetProperty("sha").GetString()!;

        var revert = await CallAsync("revert", BranchArgs(new() { ["sha"] = sha }), BranchScope("revert"));
        await CallAsync("push", BranchArgs(), BranchScope("push"));

        var read = await CallAsync("file_read", BranchArgs(new() { ["path"] = "teams/app/feature.yaml" }), BranchScope("file_read"));
        Assert.False(read.GetProperty("exists").GetBoolean());
        using var remote = new Repository(_remotePath);
        var tip = remote.Branches[Branch].Tip;
        Assert.Equal(revert.GetProperty("sha").GetString(), tip.Sha);
        Assert.Equal(sha, tip.Parents.Single().Sha);
        Assert.StartsWith("Revert \"Enable feature\"", tip.Message, StringComparison.Ordinal);
        Assert.EndsWith("Co-authored-by: developer <developer@example.com>\n", tip.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0123456789abcdef0123456789abcdef01234567")]
    [InlineData("HEAD~1")]
    public async Task Revert_UnknownSha_IsErrorNamingTheRule(string sha)
    {
        await CloneAsync();
        await CreateBranchAndWriteAsync("teams/app/a.yaml", "a: 1\n");

        var result = await _sut.CallAsync("revert", BranchArgs(new() { ["sha"] = sha }), _sut.Token(BranchScope("revert")));

        Assert.True(result.IsError == true);
        Assert.Contains("git.revert.unknown-commit", ToolServerFixture.Text(result), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Revert_TokenForAnotherBranch_Refused()
    {
        var result = await _sut.CallAsync("revert", BranchArgs(new() { ["sha"] = "abcdef1" }), _sut.Token($"git:revert:repo/{Repo}/branch/agentops/app/other"));

        Assert.True(result.IsError == true);
        Assert.Contains("insufficient_scope", ToolServerFixture.Text(result), StringComparison.Ordinal);
    }

    private Task CloneAsync() => CallAsync("repository_clone", new() { ["repo"] = Repo, ["url"] = _remoteUrl }, $"git:repository_clone:repo/{Repo}");

    private async Task CreateBranchAndWriteAsync(string path, string content)
    {
        await CallAsync("branch_create", BranchArgs(new() { ["base"] = "main" }), BranchScope("branch_create"));
        await CallAsync("files_write", BranchArgs(new()
        {
            ["files"] = JsonSerializer.SerializeToElement(new[] { new { path, content, mode = "create" } }),
        }), BranchScope("files_write"));
    }

    private async Task<JsonElement> CallAsync(string tool, Dictionary<string, object?> arguments, string scope)
    {
        var result = await _sut.CallAsync(tool, arguments, _sut.Token(scope));
        Assert.True(result.IsError != true, $"{tool}: {ToolServerFixture.Text(result)}\n{string.Join("\n", _sut.StandardError.TakeLast(40))}");
        return result.StructuredContent!.Value;
    }

    private static string BranchScope(string tool) => $"git:{tool}:repo/{Repo}/branch/{Branch}";

    private static Dictionary<string, object?> BranchArgs(Dictionary<string, object?>? extra = null)
    {
        var arguments = new Dictionary<string, object?> { ["repo"] = Repo, ["branch"] = Branch };
        foreach (var (key, value) in extra ?? [])
        {
            arguments[key] = value;
        }
        return arguments;
    }
}
