namespace AgentOps.Cli.Tests;

/// <summary>
/// L5 after a merge: `agentops rollback` on a run whose pull request is already in main opens a revert pull request
/// through the real Git tool server, under the same guardrails, and merging that one puts main back as it was.
/// </summary>
public sealed class RevertEndToEndTests : IDisposable
{
    private readonly TempDirectory _data = new();
    private readonly CliProcess _sut;
    private readonly ForgeInspector _forge;

    public RevertEndToEndTests()
    {
        _sut = new CliProcess(_data.Path);
        _forge = new ForgeInspector(_data.Path);
    }

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task Rollback_MergedRun_OpensRevertPullRequestWhoseMergeRestoresMain()
    {
        var chat = await _sut.RunAsync("chat", ChatEndToEndTests.ReadmeRequest, "--json");
        Assert.True(chat.ExitCode == 0, chat.ToString());
        var runId = chat.Json["runId"]!.GetValue<string>();
        var before = _forge.Files("main");
        Assert.True((await _sut.RunAsync("pr", "approve", "1", "--as", "bob@example.com")).ExitCode == 0);
        var merge = await _sut.RunAsync("pr", "merge", "1", "--as", "bob@example.com");
        Assert.True(merge.ExitCode == 0, merge.ToString());
        Assert.Contains("teams/payments/databases/payments-api-db/claim.yaml", _forge.Files("main").Keys);

        var rollback = await _sut.RunAsync("rollback", runId, "--as", "carol@example.com", "--json");

        Assert.True(rollback.ExitCode == 0, rollback.ToString());
        Assert.Equal("Completed", rollback.Json["run"]!["status"]!.GetValue<string>());
        var revert = rollback.Json["revert"]!;
        Assert.Equal("AwaitingReview", revert["status"]!.GetValue<string>());
        Assert.Equal(2, revert["pullRequest"]!.GetValue<long>());
        Assert.Equal("carol@example.com", revert["requester"]!.GetValue<string>());
        var branch = $"agentops/revert/{runId}";
        Assert.Equal(before, _forge.Files(branch));
        var (author, message) = _forge.Tip(branch);
        Assert.Equal("agentops/infra-provisioner", author);
        Assert.StartsWith("Revert \"Merge pull request #1", message, StringComparison.Ordinal);
        Assert.Contains("Co-authored-by: carol", message, StringComparison.Ordinal);
        var pr = await _sut.RunAsync("pr", "show", "2", "--json");
        Assert.Equal("open", pr.Json["pullRequest"]!["state"]!.GetValue<string>());
        Assert.StartsWith("Revert #1: ", pr.Json["pullRequest"]!["title"]!.GetValue<string>(), StringComparison.Ordinal);
        var audit = _forge.AuditRows();
        Assert.Contains(audit, r => r.RunId == runId && r.Action == "run/rollback" && r.Outcome == "allowed");
        Assert.Contains(audit, r => r.RunId == revert["id"]!.GetValue<string>() && r.Action == "git/revert" && r.Outcome == "succeeded");

        // The revert is a change like any other: its requester cannot approve it, another reviewer merges it.
        var self = await _sut.RunAsync("pr", "approve", "2", "--as", "carol@example.com", "--json");
        Assert.Equal("forge.review.no-self-approval", self.Json["error"]!["rule"]!.GetValue<string>());
        Assert.True((await _sut.RunAsync("pr", "approve", "2", "--as", "bob@example.com")).ExitCode == 0);
        var mergeRevert = await _sut.RunAsync("pr", "merge", "2", "--as", "bob@example.com");
        Assert.True(mergeRevert.ExitCode == 0, mergeRevert.ToString());
        Assert.Equal(before, _forge.Files("main"));

        var again = await _sut.RunAsync("rollback", runId, "--as", "carol@example.com", "--json");
        Assert.Equal(3, again.ExitCode);
        Assert.Equal("runs.rollback.revert-exists", again.Json["error"]!["rule"]!.GetValue<string>());
        Assert.True((await _sut.RunAsync("audit", "verify")).ExitCode == 0);
    }
}
