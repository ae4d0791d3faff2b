namespace AgentOps.Cli.Tests;

/// <summary>Reviewers on the local forge: no self-approval, no agent approval, merge only after approval.</summary>
public sealed class ReviewEndToEndTests : IDisposable
{
    private readonly TempDirectory _data = new();
    private readonly CliProcess _sut;
    private readonly ForgeInspector _forge;

    public ReviewEndToEndTests()
    {
        _sut = new CliProcess(_data.Path);
        _forge = new ForgeInspector(_data.Path);
    }

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task Pr_ReviewRules_EnforcedAndMergeLandsFilesOnMain()
    {
        var chat = await _sut.RunAsync("chat", ChatEndToEndTests.ReadmeRequest, "--json");
        Assert.True(chat.ExitCode == 0, chat.ToString());

        var self = await _sut.RunAsync("pr", "approve", "1", "--as", "developer@example.com", "--json");
        Assert.Equal(3, self.ExitCode);
        Assert.Equal("forge.review.no-self-approval", self.Json["error"]!["rule"]!.GetValue<string>());

        var agent = await _sut.RunAsync("pr", "approve", "1", "--as", "spiffe://agentops.local/agent/infra-provisioner", "--json");
        Assert.Equal(3, agent.ExitCode);
        Assert.Equal("forge.review.no-agent-approval", agent.Json["error"]!["rule"]!.GetValue<string>());

        var early = await _sut.RunAsync("pr", "merge", "1", "--as", "bob@example.com", "--json");
        Assert.Equal(3, early.ExitCode);
        Assert.Equal("forge.review.approval-required", early.Json["error"]!["rule"]!.GetValue<string>());
        Assert.DoesNotContain("teams/payments/databases/payments-api-db/claim.yaml", _forge.Files("main").Keys);

        var lookAlike = await _sut.RunAsync("pr", "approve", "1", "--as", "user:Developer@example.com\u200B", "--json");
        Assert.Equal(3, lookAlike.ExitCode);
        Assert.Equal("forge.review.no-self-approval", lookAlike.Json["error"]!["rule"]!.GetValue<string>());
        Assert.Equal(4, _forge.AuditRows().Count(r => r.Action is "forge/approve" or "forge/merge" && r.Outcome == "refused"));

        var diff = await _sut.RunAsync("pr", "diff", "1");
        Assert.Contains("+++ b/teams/payments/databases/payments-api-db/claim.yaml", diff.Stdout, StringComparison.Ordinal);

        var approve = await _sut.RunAsync("pr", "approve", "1", "--as", "bob@example.com");
        Assert.True(approve.ExitCode == 0, approve.ToString());
        var merge = await _sut.RunAsync("pr", "merge", "1", "--as", "bob@example.com", "--json");
        Assert.True(merge.ExitCode == 0, merge.ToString());
        Assert.Equal("merged", merge.Json["state"]!.GetValue<string>());
        Assert.Contains("teams/payments/databases/payments-api-db/claim.yaml", _forge.Files("main").Keys);

        // A second request for the same team now updates the inventory that the first one created on main.
        var second = await _sut.RunAsync("chat", "create a medium mysql db for service orders in eu-central-1 with weekly backups", "--json");
        Assert.True(second.ExitCode == 0, second.ToString());
        var inventory = _forge.Files("agentops/payments/orders-db")["teams/payments/inventory.yaml"];
        Assert.Contains("name: payments-api-db", inventory, StringComparison.Ordinal);
        Assert.Contains("name: orders-db", inventory, StringComparison.Ordinal);
        var list = await _sut.RunAsync("pr", "list", "--state", "open", "--json");
        Assert.Equal("2", Assert.Single(list.Json.AsArray())!["id"]!.ToJsonString());
    }

    [Fact]
    public async Task Pr_TwoOpenPullRequestsOfOneTeam_BothMergeAndInventoryKeepsBothEntries()
    {
        var first = await _sut.RunAsync("chat", ChatEndToEndTests.ReadmeRequest, "--json");
        var second = await _sut.RunAsync("chat", "create a medium mysql db for service orders in eu-central-1 with weekly backups", "--json");
        Assert.True(first.ExitCode == 0 && second.ExitCode == 0, first + "\n" + second);

        foreach (var number in new[] { "1", "2" })
        {
            var approve = await _sut.RunAsync("pr", "approve", number, "--as", "bob@example.com");
            Assert.True(approve.ExitCode == 0, approve.ToString());
            var merge = await _sut.RunAsync("pr", "merge", number, "--as", "bob@example.com");
            Assert.True(merge.ExitCode == 0, merge.ToString());
        }

        var inventory = _forge.Files("main")["teams/payments/inventory.yaml"];
        Assert.Contains("name: payments-api-db", inventory, StringComparison.Ordinal);
        Assert.Contains("name: orders-db", inventory, StringComparison.Ordinal);
        var run = await _sut.RunAsync("runs", "show", first.Json["runId"]!.GetValue<string>(), "--json");
        Assert.Equal("Completed", run.Json["run"]!["status"]!.GetValue<string>());
    }
}
