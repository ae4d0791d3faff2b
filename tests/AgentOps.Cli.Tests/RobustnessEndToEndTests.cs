namespace AgentOps.Cli.Tests;

/// <summary>Failure paths a user will hit: usage mistakes, broken tool servers, secrets in requests, unauthorised rollbacks.</summary>
public sealed class RobustnessEndToEndTests : IDisposable
{
    private readonly TempDirectory _data = new();
    private readonly CliProcess _sut;
    private readonly ForgeInspector _forge;

    public RobustnessEndToEndTests()
    {
        _sut = new CliProcess(_data.Path);
        _forge = new ForgeInspector(_data.Path);
    }

    public void Dispose() => _data.Dispose();

    [Theory]
    [InlineData("chat")]
    [InlineData("pr", "show", "abc")]
    [InlineData("no-such-verb")]
    public async Task Usage_Malformed_Exit2WithJsonErrorObject(params string[] args)
    {
        var result = await _sut.RunAsync([.. args, "--json"]);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("usage", result.Json["error"]!["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task Chat_GitToolServerCannotStart_FailsCleanlyAndRollsBack()
    {
        var broken = new CliProcess(_data.Path, new Dictionary<string, string> { ["AgentOps__Tools__git__Command"] = "/nonexistent/git-server" });

        var result = await broken.RunAsync("chat", ChatEndToEndTests.ReadmeRequest, "--json");

        Assert.Equal(1, result.ExitCode);
        Assert.DoesNotContain("   at ", result.Stdout + result.Stderr, StringComparison.Ordinal);
        Assert.Contains("git", result.Json["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.NotEqual("Running", (await _sut.RunAsync("runs", "show", result.Json["runId"]!.GetValue<string>(), "--json")).Json["run"]!["status"]!.GetValue<string>());
        Assert.Equal(["main"], _forge.Branches());
    }

    [Fact]
    public async Task Chat_SecretInRequest_RefusedAndNeverStoredOrShown()
    {
        const string Secret = "AKIA4QX7RM2KT9BW3NPZ";

        var result = await _sut.RunAsync("chat", $"postgres for payments-api, small, eu, daily, use key {Secret}", "--json");

        Assert.Equal(3, result.ExitCode);
        Assert.Equal("secrets.aws-access-key", result.Json["error"]!["rule"]!.GetValue<string>());
        var runs = await _sut.RunAsync("runs", "list", "--json");
        var stored = runs.Json.AsArray().Single()!["request"]!.GetValue<string>();
        Assert.DoesNotContain(Secret, stored, StringComparison.Ordinal);
        Assert.Contains("[REDACTED:aws-access-key]", stored, StringComparison.Ordinal);
        // The raw database files, write-ahead log included: the secret is nowhere on disk.
        foreach (var file in Directory.GetFiles(_data.Path, "agentops.db*"))
        {
            Assert.DoesNotContain(Secret, System.Text.Encoding.UTF8.GetString(File.ReadAllBytes(file)), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task RunsRollback_ByAgent_RefusedAuditedAndNothingUndone()
    {
        var chat = await _sut.RunAsync("chat", ChatEndToEndTests.ReadmeRequest, "--json");
        var runId = chat.Json["runId"]!.GetValue<string>();

        var agent = await _sut.RunAsync("rollback", runId, "--as", "spiffe://agentops.local/agent/planner", "--json");

        Assert.Equal(3, agent.ExitCode);
        Assert.Equal("runs.rollback.no-agent", agent.Json["error"]!["rule"]!.GetValue<string>());
        Assert.Equal(["agentops/payments/payments-api-db", "main"], _forge.Branches());
        var refusal = Assert.Single(_forge.AuditRows(), r => r.Action == "run/rollback");
        Assert.Equal("refused", refusal.Outcome);
    }

    [Fact]
    public async Task PrDiff_UnknownNumber_NotFoundExit1()
    {
        var result = await _sut.RunAsync("pr", "diff", "99", "--json");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("not-found", result.Json["error"]!["code"]!.GetValue<string>());
    }
}
