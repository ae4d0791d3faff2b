namespace AgentOps.Cli.Tests;

/// <summary>Guardrail layer 3 end to end: a critical step pauses the run until a human who is not the requester approves.</summary>
public sealed class ApprovalEndToEndTests : IDisposable
{
    private readonly TempDirectory _data = new();
    private readonly TempDirectory _catalog = new();
    private readonly CliProcess _sut;

    public ApprovalEndToEndTests()
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
    public async Task Chat_CriticalStep_PausesUntilAnotherHumanApproves()
    {
        var chat = await _sut.RunAsync("chat", ChatEndToEndTests.ReadmeRequest, "--json");
        Assert.True(chat.ExitCode == 0, chat.ToString());
        Assert.Equal("AwaitingApproval", chat.Json["status"]!.GetValue<string>());
        var runId = chat.Json["runId"]!.GetValue<string>();
        Assert.Contains(chat.Json["decisions"]!.AsArray(), d => d!["rule"]!.GetValue<string>() == "approval.critical-step" && d["verdict"]!.GetValue<string>() == "pause");

        var self = await _sut.RunAsync("approve", runId, "--as", "developer@example.com", "--json");
        Assert.Equal(3, self.ExitCode);
        Assert.Equal("approval.no-self-approval", self.Json["error"]!["rule"]!.GetValue<string>());

        var agent = await _sut.RunAsync("approve", runId, "--as", "spiffe://agentops.local/agent/planner", "--json");
        Assert.Equal(3, agent.ExitCode);
        Assert.Equal("approval.no-agent", agent.Json["error"]!["rule"]!.GetValue<string>());

        var stillPaused = await _sut.RunAsync("runs", "show", runId, "--json");
        Assert.Equal("AwaitingApproval", stillPaused.Json["run"]!["status"]!.GetValue<string>());

        var approved = await _sut.RunAsync("approve", runId, "--as", "bob@example.com", "--json");
        Assert.True(approved.ExitCode == 0, approved.ToString());
        Assert.Equal("AwaitingReview", approved.Json["status"]!.GetValue<string>());
        Assert.Equal(1, approved.Json["pullRequest"]!.GetValue<long>());

        var again = await _sut.RunAsync("approve", runId, "--as", "bob@example.com", "--json");
        Assert.Equal(3, again.ExitCode);
        Assert.Equal("approval.not-waiting", again.Json["error"]!["rule"]!.GetValue<string>());
    }
}
