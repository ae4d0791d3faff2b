namespace AgentOps.Cli.Tests;

/// <summary>
/// Guardrail layer 5 end to end: a step fails after the branch was pushed and the pull request opened; the
/// compensations registered before each step run newest first, and the audit log holds both the steps and the undo.
/// </summary>
public sealed class RollbackEndToEndTests : IDisposable
{
    private readonly TempDirectory _data = new();
    private readonly TempDirectory _catalog = new();
    private readonly CliProcess _sut;
    private readonly ForgeInspector _forge;

    public RollbackEndToEndTests()
    {
        var skills = TestSkills.WithExtraStep(_catalog.Path, TestSkills.FailingLastStep);
        _sut = new CliProcess(_data.Path, new Dictionary<string, string> { ["AgentOps__Skills__Directory"] = skills });
        _forge = new ForgeInspector(_data.Path);
    }

    public void Dispose()
    {
        _data.Dispose();
        _catalog.Dispose();
    }

    [Fact]
    public async Task Chat_StepFailsAfterPullRequestOpened_CompensationsUndoBranchAndPullRequest()
    {
        var result = await _sut.RunAsync("chat", ChatEndToEndTests.ReadmeRequest, "--json");

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Equal("RolledBack", result.Json["status"]!.GetValue<string>());
        Assert.Contains("check_claim_again", result.Json["message"]!.GetValue<string>(), StringComparison.Ordinal);

        // The pushed branch is gone from the forge and the pull request is closed, not merged and not open.
        Assert.Equal(["main"], _forge.Branches());
        var prs = await _sut.RunAsync("pr", "list", "--json");
        var pr = Assert.Single(prs.Json.AsArray());
        Assert.Equal("closed", pr!["state"]!.GetValue<string>());

        var runId = result.Json["runId"]!.GetValue<string>();
        var rows = _forge.AuditRows().Where(r => r.RunId == runId).ToList();
        Assert.Contains(rows, r => r is { Action: "git/pull_request_open", Outcome: "succeeded" });
        Assert.Contains(rows, r => r is { Action: "crossplane/claim_validate", Outcome: "failed" });
        var undo = rows.Where(r => r.Outcome == "succeeded" && r.Action is "git/pull_request_close" or "git/branch_delete").Select(r => r.Action).ToList();
        Assert.Equal(["git/pull_request_close", "git/branch_delete", "git/branch_delete"], undo);
        var failedAt = rows.First(r => r.Outcome == "failed").Sequence;
        Assert.All(rows.Where(r => r.Action == "git/pull_request_close"), r => Assert.True(r.Sequence > failedAt));

        var show = await _sut.RunAsync("runs", "show", runId, "--json");
        Assert.Equal("RolledBack", show.Json["run"]!["status"]!.GetValue<string>());
        Assert.Equal(["open_pull_request", "push", "create_branch"], show.Json["compensated"]!.AsArray().Select(n => n!.GetValue<string>()));
        var verify = await _sut.RunAsync("audit", "verify", "--json");
        Assert.True(verify.Json["intact"]!.GetValue<bool>(), verify.ToString());
    }
}

/// <summary>
/// Recovery from a run that will not finish: one a human rejects while it waits for approval, and one whose process
/// died part-way (simulated by leaving the persisted state as a crash would: status Running, compensations registered).
/// </summary>
public sealed class RunRollbackEndToEndTests : IDisposable
{
    private readonly TempDirectory _data = new();
    private readonly TempDirectory _catalog = new();
    private readonly CliProcess _sut;
    private readonly ForgeInspector _forge;

    public RunRollbackEndToEndTests()
    {
        var skills = TestSkills.WithExtraStep(_catalog.Path, TestSkills.CriticalLastStep);
        _sut = new CliProcess(_data.Path, new Dictionary<string, string> { ["AgentOps__Skills__Directory"] = skills });
        _forge = new ForgeInspector(_data.Path);
    }

    public void Dispose()
    {
        _data.Dispose();
        _catalog.Dispose();
    }

    [Fact]
    public async Task RunsRollback_PausedRun_ClosesPullRequestAndDeletesBranch()
    {
        var chat = await _sut.RunAsync("chat", ChatEndToEndTests.ReadmeRequest, "--json");
        var runId = chat.Json["runId"]!.GetValue<string>();
        Assert.Equal(["agentops/payments/payments-api-db", "main"], _forge.Branches());

        var result = await _sut.RunAsync("runs", "rollback", runId, "--json", "--as", "bob@example.com");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("RolledBack", result.Json["status"]!.GetValue<string>());
        Assert.Equal(["main"], _forge.Branches());
        var pr = await _sut.RunAsync("pr", "show", "1", "--json");
        Assert.Equal("closed", pr.Json["pullRequest"]!["state"]!.GetValue<string>());
        var again = await _sut.RunAsync("runs", "rollback", runId, "--json");
        Assert.Equal(3, again.ExitCode);
    }

    [Fact]
    public async Task RunsRollback_RunLeftRunningByCrash_RefusedUnlessForcedThenUndone()
    {
        var chat = await _sut.RunAsync("chat", ChatEndToEndTests.ReadmeRequest, "--json");
        var runId = chat.Json["runId"]!.GetValue<string>();
        _forge.Execute($"UPDATE runs SET status = 'Running' WHERE id = '{runId}'");

        var live = await _sut.RunAsync("runs", "rollback", runId, "--json");
        Assert.Equal(3, live.ExitCode);
        Assert.Equal("runs.rollback.live", live.Json["error"]!["rule"]!.GetValue<string>());
        Assert.Equal(["agentops/payments/payments-api-db", "main"], _forge.Branches());

        var forced = await _sut.RunAsync("runs", "rollback", runId, "--force", "--json");

        Assert.True(forced.ExitCode == 0, forced.ToString());
        Assert.Equal(["main"], _forge.Branches());
        var rows = _forge.AuditRows().Where(r => r.RunId == runId && r.Outcome == "succeeded").Select(r => r.Action).ToList();
        Assert.Equal(["git/pull_request_close", "git/branch_delete", "git/branch_delete"], rows.TakeLast(3));
    }
}
