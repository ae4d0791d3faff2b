using System.Text.Json;
using AgentOps.Core;
using AgentOps.Storage;
using LibGit2Sharp;
using Microsoft.Data.Sqlite;

namespace AgentOps.Tools.Tests;

/// <summary>
/// The Git server as a child process refuses a push whose new lines hold a secret, pushes nothing (neither to the forge
/// nor on to the upstream remote), and writes the refusal into the shared audit log, naming the rule but not the value.
/// </summary>
public sealed class GitPushSecretScanTests : IAsyncLifetime
{
    private const string ServerId = "spiffe://agentops.local/tool/git";
    private const string Repo = "app-config";
    private const string Branch = "agentops/app/rotate";
    private const string Secret = "AKIA4QX7RM2KT9BW3NPZ";

    private string _remoteRoot = null!;
    private string _remotePath = null!;
    private ToolServerFixture _sut = null!;

    public async Task InitializeAsync()
    {
        _remoteRoot = Path.Combine(Path.GetTempPath(), "agentops-git-remotes", Guid.NewGuid().ToString("N"));
        _remotePath = AgentOps.GitOps.BareRepository.OpenOrCreate(_remoteRoot, Repo, new Signature("t", "t@example.com", TimeProvider.System.GetUtcNow())).Path;
        _sut = await ToolServerFixture.StartAsync("AgentOps.Tools.Git.dll", ServerId,
            "--AgentOps:Git:AllowedRemotes:0", new Uri(_remoteRoot + "/").AbsoluteUri);
        await CallAsync("repository_clone", new() { ["repo"] = Repo, ["url"] = new Uri(_remotePath).AbsoluteUri }, $"git:repository_clone:repo/{Repo}");
        await CallAsync("branch_create", BranchArgs(new() { ["base"] = "main" }), BranchScope("branch_create"));
    }

    public async Task DisposeAsync()
    {
        await _sut.DisposeAsync();
        SqliteConnection.ClearAllPools();
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
    public async Task Push_FileWithASecretWrittenStraightIntoTheWorkspace_RefusedAuditedAndNothingPushed()
    {
        // A generator or template render wrote the file on disk: files_write would have been refused by L1 for the
        // same content in its arguments, so this is the path the push scan exists for.
        var workspace = Path.Combine(_sut.Directory, "workspaces", Repo, Branch.Replace('/', '~'));
        Directory.CreateDirectory(Path.Combine(workspace, "teams", "app"));
        await File.WriteAllTextAsync(Path.Combine(workspace, "teams", "app", "credentials.yaml"), $"region: eu-west-1\naws_access_key_id: {Secret}\n");
        await CallAsync("commit", BranchArgs(new() { ["message"] = "Render credentials" }), BranchScope("commit"));

        var result = await _sut.CallAsync("push", BranchArgs(), _sut.Token(BranchScope("push")));

        var text = ToolServerFixture.Text(result);
        Assert.True(result.IsError == true, text);
        Assert.Contains("git.push.secret", text, StringComparison.Ordinal);
        Assert.Contains("teams/app/credentials.yaml:2 matches aws-access-key", text, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, text, StringComparison.Ordinal);
        Assert.DoesNotContain(_sut.StandardError, line => line.Contains(Secret, StringComparison.Ordinal));
        // Neither the forge nor the remote it was cloned from got the branch.
        using (var forge = new Repository(Path.Combine(_sut.Directory, "forge", Repo + ".git")))
        {
            Assert.Null(forge.Branches[Branch]);
        }
        using (var remote = new Repository(_remotePath))
        {
            Assert.Null(remote.Branches[Branch]);
        }

        var database = await SqliteDatabase.OpenAsync(Path.Combine(_sut.Directory, "agentops.db"));
        var audit = new SqliteAuditLog(database, TimeProvider.System);
        var record = Assert.Single(await audit.ReadAsync(), r => r.Action == "git/push");
        Assert.Equal("refused", record.Outcome);
        Assert.Equal("goal-1", record.RunId);
        Assert.Equal("spiffe://agentops.local/agent/infra-provisioner", record.Actor);
        Assert.StartsWith($"{ToolServerFixture.Human} → spiffe://agentops.local/agent/planner", record.DelegationChain[0], StringComparison.Ordinal);
        Assert.StartsWith("spiffe://agentops.local/agent/infra-provisioner → " + ServerId, record.DelegationChain[^1], StringComparison.Ordinal);
        var decision = Assert.Single(record.Decisions);
        Assert.Equal(("L1.secrets", Verdict.Deny, "secrets.diff.aws-access-key"), (decision.Layer, decision.Verdict, decision.Rule));
        Assert.Equal("teams/app/credentials.yaml:2 matches aws-access-key; nothing was pushed", decision.Reason);
        Assert.DoesNotContain(Secret, JsonSerializer.Serialize(record), StringComparison.Ordinal);
        Assert.True((await audit.VerifyAsync()).Intact);
    }

    [Fact]
    public async Task Push_DocumentationKeyOnly_PushedAndNotAudited()
    {
        var workspace = Path.Combine(_sut.Directory, "workspaces", Repo, Branch.Replace('/', '~'));
        Directory.CreateDirectory(Path.Combine(workspace, "teams", "app"));
        await File.WriteAllTextAsync(Path.Combine(workspace, "teams", "app", "README.md"), "Example: aws_access_key_id = AKIAIOSFODNN7EXAMPLE\n");
        var commit = await CallAsync("commit", BranchArgs(new() { ["message"] = "Document credentials" }), BranchScope("commit"));

        await CallAsync("push", BranchArgs(), BranchScope("push"));

        using var remote = new Repository(_remotePath);
        Assert.Equal(commit.GetProperty("sha").GetString(), remote.Branches[Branch].Tip.Sha);
        var database = await SqliteDatabase.OpenAsync(Path.Combine(_sut.Directory, "agentops.db"));
        Assert.DoesNotContain(await new SqliteAuditLog(database, TimeProvider.System).ReadAsync(), r => r.Action == "git/push");
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
