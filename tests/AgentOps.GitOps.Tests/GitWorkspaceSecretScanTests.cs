using AgentOps.Guardrails;
using AgentOps.Guardrails.Policy;
using LibGit2Sharp;

namespace AgentOps.GitOps.Tests;

/// <summary>
/// Before a push, every line it would add is scanned with the real secret patterns (<c>guardrails/secrets.yaml</c>,
/// allow-list included). A push that carries a secret is refused whole, the forge does not move, and the refusal names
/// file, line and rule but never the value.
/// </summary>
public sealed class GitWorkspaceSecretScanTests : IAsyncLifetime
{
    private const string Repo = TestForge.Repo;
    private const string Branch = "agentops/run-7";
    private const string Secret = "AKIA4QX7RM2KT9BW3NPZ";

    private static readonly TextScreen s_screen = new(GuardrailPolicy.LoadForRedaction(Path.Combine(AppContext.BaseDirectory, "guardrails")));

    private TestForge _forge = null!;
    private GitWorkspace _sut = null!;

    public async Task InitializeAsync()
    {
        _forge = await TestForge.CreateAsync();
        _sut = new GitWorkspace(Path.Combine(_forge.Root, "scanned"), _forge.Forge, _forge.AllowList, secretRule: line => s_screen.FindSecret(line)?.Id);
    }

    public Task DisposeAsync()
    {
        _forge.Dispose();
        return Task.CompletedTask;
    }

    private void WriteAndCommit(string message, params FileChange[] files)
    {
        _sut.WriteFiles(Repo, Branch, files);
        _sut.Commit(Repo, Branch, message, _forge.Author, null);
    }

    [Fact]
    public void Push_AddedLineHoldsASecret_RefusedNamingFileLineAndRuleNeverTheValue_AndNothingReachesTheForge()
    {
        _sut.CreateBranch(Repo, Branch, "main");
        WriteAndCommit("Add app config", new FileChange("platform/app.yaml", "replicas: 2\nimage: app:1.4\n"));
        var first = _sut.Push(Repo, Branch);
        WriteAndCommit("Add credentials", new FileChange("platform/app.yaml", $"replicas: 2\naws_access_key_id: {Secret}\nimage: app:1.4\n"));
        IReadOnlyList<SecretFinding>? reported = null;

        var error = Assert.Throws<ForgeRuleException>(() => _sut.Push(Repo, Branch, findings => reported = findings));

        Assert.Equal("git.push.secret", error.Rule);
        Assert.Contains("platform/app.yaml:2 matches aws-access-key", error.Message, StringComparison.Ordinal);
        Assert.Contains("Nothing was pushed", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, error.Message, StringComparison.Ordinal);
        var finding = Assert.Single(reported!);
        Assert.Equal(("platform/app.yaml", 2, "aws-access-key"), (finding.Path, finding.Line, finding.Rule));
        // The forge's branch stays where the clean push left it.
        Assert.Equal(first, _forge.TipSha(Branch));
        Assert.DoesNotContain(Secret, _forge.Files(Branch)!["platform/app.yaml"], StringComparison.Ordinal);
    }

    [Fact]
    public void Push_NewBranchWithASecret_BranchNeverCreatedOnTheForge()
    {
        _sut.CreateBranch(Repo, Branch, "main");
        WriteAndCommit("Add token", new FileChange("platform/ci.env", "GITHUB_TOKEN=ghp_u8jzPde0IgxLd6GncfBAepfJBd0Kh8oOOL8d\n"));

        var error = Assert.Throws<ForgeRuleException>(() => _sut.Push(Repo, Branch));

        Assert.Equal("git.push.secret", error.Rule);
        Assert.Contains("platform/ci.env:1 matches github-token", error.Message, StringComparison.Ordinal);
        Assert.Null(_forge.TipSha(Branch));
        Assert.Equal(["main"], _forge.Branches());
    }

    [Fact]
    public void Push_SecretAddedThenDeletedInALaterCommit_StillRefused()
    {
        // The push would carry both commits, and the first one holds the secret in history.
        _sut.CreateBranch(Repo, Branch, "main");
        WriteAndCommit("Add db url", new FileChange("platform/db.yaml", "url: postgres://app:s3cretPass@db:5432/app\n"));
        WriteAndCommit("Remove db url", new FileChange("platform/db.yaml", "url: from-secret\n"));

        var error = Assert.Throws<ForgeRuleException>(() => _sut.Push(Repo, Branch));

        Assert.Contains("platform/db.yaml:1 matches connection-string-password", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cretPass", error.Message, StringComparison.Ordinal);
        Assert.Null(_forge.TipSha(Branch));
    }

    [Fact]
    public void Push_SecretInTheCommitMessage_Refused()
    {
        _sut.CreateBranch(Repo, Branch, "main");
        _sut.WriteFiles(Repo, Branch, [new FileChange("platform/a.yaml", "a: 1\n")]);
        _sut.Commit(Repo, Branch, $"Rotate key\n\nold key was {Secret}", _forge.Author, null);

        var error = Assert.Throws<ForgeRuleException>(() => _sut.Push(Repo, Branch));

        Assert.Contains($"{GitWorkspace.CommitMessagePath}:3 matches aws-access-key", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Push_SecretInAFileGitCallsBinary_Refused()
    {
        _sut.CreateBranch(Repo, Branch, "main");
        WriteAndCommit("Add blob", new FileChange("platform/blob.bin", $"\0\u0001header\nkey={Secret}\n"));

        var error = Assert.Throws<ForgeRuleException>(() => _sut.Push(Repo, Branch));

        Assert.Contains("platform/blob.bin:2 matches aws-access-key", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Push_DocumentationKeysAndPlaceholders_ArePushed()
    {
        _sut.CreateBranch(Repo, Branch, "main");
        WriteAndCommit("Document the AWS settings", new FileChange("platform/README.aws.md",
            "aws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\npassword: <password>\n" +
            "url: postgres://app:${DB_PASSWORD}@db:5432/app\n"));

        Assert.Empty(_sut.SecretsToPush(Repo, Branch));
        var pushed = _sut.Push(Repo, Branch);

        Assert.Equal(pushed, _forge.TipSha(Branch));
    }

    [Fact]
    public void Push_SecretAlreadyOnMain_AsContextOrRemovedLine_DoesNotBlock()
    {
        // main already holds a secret (committed before this rule existed); the branch edits the file around it and
        // then deletes it. Neither context nor removed lines are added by this push.
        CommitOnMain("platform/legacy.env", $"A=1\nAWS_ACCESS_KEY_ID={Secret}\nB=2\n");
        _sut.CreateBranch(Repo, Branch, "main");
        WriteAndCommit("Touch the neighbour", new FileChange("platform/legacy.env", $"A=10\nAWS_ACCESS_KEY_ID={Secret}\nB=2\n"));
        WriteAndCommit("Remove the key", new FileChange("platform/legacy.env", "A=10\nB=2\n"));

        Assert.Empty(_sut.SecretsToPush(Repo, Branch));
        var pushed = _sut.Push(Repo, Branch);

        Assert.Equal(pushed, _forge.TipSha(Branch));
    }

    [Fact]
    public void Push_WithoutAMatcher_ScansNothing()
    {
        // The matcher is what turns the scan on: GitOps itself knows no secret patterns (the Git tool server always
        // passes one).
        _forge.Workspace.CreateBranch(Repo, Branch, "main");
        _forge.Workspace.WriteFiles(Repo, Branch, [new FileChange("platform/a.yaml", $"key: {Secret}\n")]);
        _forge.Workspace.Commit(Repo, Branch, "a", _forge.Author, null);

        Assert.Empty(_forge.Workspace.SecretsToPush(Repo, Branch));
        Assert.Equal(_forge.Workspace.Push(Repo, Branch), _forge.TipSha(Branch));
    }

    private void CommitOnMain(string path, string content)
    {
        var clone = Path.Combine(_forge.Root, "main-clone");
        Repository.Clone(_forge.BarePath, clone);
        using var repo = new Repository(clone);
        var full = Path.Combine(clone, path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllText(full, content);
        Commands.Stage(repo, "*");
        repo.Commit("Legacy settings", _forge.Author, _forge.Author);
        repo.Network.Push(repo.Network.Remotes["origin"], "refs/heads/main:refs/heads/main");
    }
}
