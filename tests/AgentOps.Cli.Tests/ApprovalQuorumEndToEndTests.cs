using System.Text.Json.Nodes;

namespace AgentOps.Cli.Tests;

/// <summary>
/// L3 through the real binary with the repository's guardrails/approvals.yaml and CODEOWNERS: a stranger to the touched
/// paths is refused, and break-glass needs two humans with a reason and leaves a run/break-glass record in the audit log.
/// </summary>
public sealed class ApprovalQuorumEndToEndTests : IDisposable
{
    private const string Reason = "INC-4711: payments outage, database needed now";
    private readonly TempDirectory _data = new();
    private readonly TempDirectory _catalog = new();
    private readonly CliProcess _sut;

    public ApprovalQuorumEndToEndTests()
    {
        var skills = TestSkills.WithExtraStep(_catalog.Path, TestSkills.CriticalLastStep);
        _sut = new CliProcess(_data.Path, new Dictionary<string, string> { ["AgentOps__Skills__Directory"] = skills });
    }

    public void Dispose()
    {
        _data.Dispose();
        _catalog.Dispose();
    }

    [Fact]
    public async Task Approve_NonOwnerRefused_BreakGlassNeedsTwoWithAReason_AndIsAuditedLoudly()
    {
        var chat = await _sut.RunAsync("chat", ChatEndToEndTests.ReadmeRequest, "--json");
        Assert.True(chat.ExitCode == 0, chat.ToString());
        var runId = chat.Json["runId"]!.GetValue<string>();

        var stranger = await _sut.RunAsync("approve", runId, "--as", "mallory@example.com", "--json");
        Assert.Equal(3, stranger.ExitCode);
        Assert.Equal("approval.not-owner", stranger.Json["error"]!["rule"]!.GetValue<string>());

        var noReason = await _sut.RunAsync("approve", runId, "--break-glass", "--as", "bob@example.com", "--json");
        Assert.Equal(3, noReason.ExitCode);
        Assert.Equal("approval.break-glass-reason", noReason.Json["error"]!["rule"]!.GetValue<string>());

        // Break-glass bypasses ownership (mallory owns nothing here), never the second pair of eyes.
        var one = await _sut.RunAsync("approve", runId, "--break-glass", "--reason", Reason, "--as", "mallory@example.com", "--json");
        Assert.True(one.ExitCode == 0, one.ToString());
        Assert.Equal("AwaitingApproval", one.Json["status"]!.GetValue<string>());
        var stillPaused = await _sut.RunAsync("runs", "show", runId, "--json");
        Assert.Equal("AwaitingApproval", stillPaused.Json["run"]!["status"]!.GetValue<string>());

        var two = await _sut.RunAsync("approve", runId, "--break-glass", "--reason", Reason, "--as", "bob@example.com", "--json");
        Assert.True(two.ExitCode == 0, two.ToString());
        Assert.Equal("AwaitingReview", two.Json["status"]!.GetValue<string>());

        var show = await _sut.RunAsync("runs", "show", runId, "--json");
        Assert.Contains(show.Json["decisions"]!.AsArray(), d => d!["rule"]!.GetValue<string>() == "approval.break-glass");
        var export = await _sut.RunAsync("audit", "export");
        var records = export.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!).ToArray();
        var loud = Assert.Single(records, r => r["action"]!.GetValue<string>() == "run/break-glass" && r["outcome"]!.GetValue<string>() == "break-glass");
        Assert.Equal("bob@example.com", loud["actor"]!.GetValue<string>());
        Assert.Contains($"BREAK-GLASS by mallory@example.com and bob@example.com: {Reason}", loud.ToJsonString(), StringComparison.Ordinal);
        Assert.Contains(records, r => r["action"]!.GetValue<string>() == "run/break-glass" && r["outcome"]!.GetValue<string>() == "pending");
    }
}
