namespace AgentOps.Cli.Tests;

/// <summary>Listing commands answer in JSON under --json, and state survives from one process to the next.</summary>
public sealed class ListingCommandTests : IDisposable
{
    private readonly TempDirectory _data = new();
    private readonly CliProcess _sut;

    public ListingCommandTests() => _sut = new CliProcess(_data.Path);

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task AgentsList_Json_ListsAgentsWithCeilings()
    {
        var result = await _sut.RunAsync("agents", "list", "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        var agents = result.Json.AsArray().ToDictionary(a => a!["name"]!.GetValue<string>());
        Assert.Equal("spiffe://agentops.local/agent/infra-provisioner", agents["infra-provisioner"]!["id"]!.GetValue<string>());
        Assert.Contains("git:*:repo/platform-gitops/branch/agentops/*", agents["infra-provisioner"]!["rbacScope"]!.AsArray().Select(s => s!.GetValue<string>()));
        Assert.Empty(agents["planner"]!["mcpEndpoints"]!.AsObject());
    }

    [Fact]
    public async Task RunsAndPrLists_EmptyStore_AreEmptyJsonArrays()
    {
        var runs = await _sut.RunAsync("runs", "list", "--json");
        var prs = await _sut.RunAsync("pr", "list", "--json");

        Assert.Empty(runs.Json.AsArray());
        Assert.Empty(prs.Json.AsArray());
    }

    [Fact]
    public async Task RunsShow_AfterRestart_ShowsEarlierRunFromSqlite()
    {
        var chat = await _sut.RunAsync("chat", "I need a postgres database for payments-api in eu with daily backups", "--json");
        var runId = chat.Json["runId"]!.GetValue<string>();

        var show = await _sut.RunAsync("runs", "show", runId, "--json");

        Assert.True(show.ExitCode == 0, show.ToString());
        Assert.Equal("NeedsInput", show.Json["run"]!["status"]!.GetValue<string>());
        Assert.Equal("developer@example.com", show.Json["run"]!["requester"]!.GetValue<string>());
        Assert.True(File.Exists(Path.Combine(_data.Path, "agentops.db")));
    }

    [Fact]
    public async Task PrShow_Unknown_FailsWithErrorObject()
    {
        var result = await _sut.RunAsync("pr", "show", "42", "--json");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("not-found", result.Json["error"]!["code"]!.GetValue<string>());
    }
}
