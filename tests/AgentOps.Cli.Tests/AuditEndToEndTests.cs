namespace AgentOps.Cli.Tests;

/// <summary><c>agentops audit verify</c> on a real audit log that someone edited behind our back.</summary>
public sealed class AuditEndToEndTests : IDisposable
{
    private readonly TempDirectory _data = new();
    private readonly CliProcess _sut;
    private readonly ForgeInspector _forge;

    public AuditEndToEndTests()
    {
        _sut = new CliProcess(_data.Path);
        _forge = new ForgeInspector(_data.Path);
    }

    public void Dispose() => _data.Dispose();

    [Theory]
    [InlineData("UPDATE audit_log SET outcome = 'allowed' WHERE sequence = 5", 5)]
    [InlineData("DELETE FROM audit_log WHERE sequence = 6", 7)]
    [InlineData("UPDATE audit_log SET sequence = -1 WHERE sequence = 3; UPDATE audit_log SET sequence = 3 WHERE sequence = 4; UPDATE audit_log SET sequence = 4 WHERE sequence = -1", 3)]
    public async Task AuditVerify_TamperedLog_NamesFirstBadRecordAndFails(string tamper, long firstBad)
    {
        var chat = await _sut.RunAsync("chat", ChatEndToEndTests.ReadmeRequest);
        Assert.True(chat.ExitCode == 0, chat.ToString());
        var clean = await _sut.RunAsync("audit", "verify", "--json");
        Assert.True(clean.Json["intact"]!.GetValue<bool>(), clean.ToString());

        _forge.Execute(tamper);
        var result = await _sut.RunAsync("audit", "verify", "--json");

        Assert.Equal(1, result.ExitCode);
        Assert.False(result.Json["intact"]!.GetValue<bool>());
        Assert.Equal(firstBad, result.Json["firstBadSequence"]!.GetValue<long>());
        var human = await _sut.RunAsync("audit", "verify");
        Assert.Contains($"record {firstBad}", human.Stdout + human.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AuditVerify_NewestRecordsDeleted_ReportsTruncationAgainstCheckpoint()
    {
        var chat = await _sut.RunAsync("chat", ChatEndToEndTests.ReadmeRequest);
        Assert.True(chat.ExitCode == 0, chat.ToString());
        var last = _forge.AuditRows().Max(r => r.Sequence);
        Assert.True(File.Exists(Path.Combine(_data.Path, "audit-head.json")));

        // Deleting the tail leaves a chain that is internally consistent; only the checkpoint outside the database shows it.
        _forge.Execute($"DELETE FROM audit_log WHERE sequence >= {last - 1}");
        var result = await _sut.RunAsync("audit", "verify", "--json");

        Assert.Equal(1, result.ExitCode);
        Assert.False(result.Json["intact"]!.GetValue<bool>());
        Assert.Equal(last - 1, result.Json["firstBadSequence"]!.GetValue<long>());
        Assert.Equal("audit-broken", result.Json["error"]!["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task AuditVerify_TamperThenMoreWork_StillReportsTheTamper()
    {
        var chat = await _sut.RunAsync("chat", ChatEndToEndTests.ReadmeRequest);
        Assert.True(chat.ExitCode == 0, chat.ToString());
        var last = _forge.AuditRows().Max(r => r.Sequence);
        _forge.Execute($"DELETE FROM audit_log WHERE sequence = {last}");

        // Ordinary work after the tamper appends records; it must not move the checkpoint past the damage.
        await _sut.RunAsync("chat", "");
        var result = await _sut.RunAsync("audit", "verify", "--json");

        Assert.Equal(1, result.ExitCode);
        Assert.False(result.Json["intact"]!.GetValue<bool>());
    }

    [Fact]
    public async Task AuditExport_WritesOneJsonObjectPerRecord()
    {
        await _sut.RunAsync("chat", "");

        var result = await _sut.RunAsync("audit", "export");

        var line = Assert.Single(result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        var record = System.Text.Json.Nodes.JsonNode.Parse(line)!;
        Assert.Equal(1, record["sequence"]!.GetValue<long>());
        Assert.StartsWith("sha256:", record["hash"]!.GetValue<string>(), StringComparison.Ordinal);
    }
}
