using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AgentOps.Core;
using Microsoft.Extensions.Time.Testing;

namespace AgentOps.Storage.Tests;

public sealed class AuditOtlpJsonTests : IDisposable
{
    private readonly TestDirectory _directory = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 3, 1, 9, 30, 0, 123, TimeSpan.Zero));

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task ExportOtlpJsonAsync_Records_AreExportLogsServiceRequestsInTheOtlpJsonEncoding()
    {
        var sut = new SqliteAuditLog(await SqliteDatabase.OpenAsync(_directory.DatabasePath), _time);
        await sut.AppendAsync(new AuditEntry("run-42", "spiffe://agentops.local/agent/infra-provisioner", ["alice → planner", "planner → infra-provisioner"],
            "git/pull_request_open", "sha256:args", [new LayerDecision("scope", Verdict.Allow, "R1", "in scope")], "succeeded", "sha256:result"));
        _time.Advance(TimeSpan.FromTicks(4567));
        await sut.AppendAsync(new AuditEntry("-", "carol@example.com", [], "identity/revoke", "jti-1",
            [new LayerDecision("policy", Verdict.Deny, "P9", "outside the change window")], "denied"));
        await sut.AppendAsync(new AuditEntry("run-43", "agent:planner", ["dave → planner"], "chat/request", "sha256:x", [], "accepted"));

        var lines = new List<string>();
        await foreach (var line in sut.ExportOtlpJsonAsync(batchSize: 2))
        {
            lines.Add(line);
        }

        Assert.Equal(2, lines.Count);
        foreach (var line in lines)
        {
            Assert.DoesNotContain('\n', line);
            using var document = JsonDocument.Parse(line);
            OtlpJsonShape.ExportLogsServiceRequest(document.RootElement);
        }
        var logs = lines.SelectMany(l => JsonNode.Parse(l)!["resourceLogs"]![0]!["scopeLogs"]![0]!["logRecords"]!.AsArray()).ToArray();
        Assert.Equal(3, logs.Length);
        var records = await sut.ReadAsync();
        var first = logs[0]!;
        Assert.Equal(((records[0].Time - DateTimeOffset.UnixEpoch).Ticks * 100).ToString(System.Globalization.CultureInfo.InvariantCulture), first["timeUnixNano"]!.GetValue<string>());
        Assert.Equal("1740821400123000000", first["timeUnixNano"]!.GetValue<string>());
        Assert.Equal("1740821400123456700", logs[1]!["timeUnixNano"]!.GetValue<string>());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("run-42"))[..16]), first["traceId"]!.GetValue<string>());
        Assert.Null(logs[1]!["traceId"]);
        Assert.Equal(9, first["severityNumber"]!.GetValue<int>());
        Assert.Equal(13, logs[1]!["severityNumber"]!.GetValue<int>());
        Assert.Equal("1", Attribute(first, "agentops.audit.sequence")["intValue"]!.GetValue<string>());
        Assert.Equal(records[0].Hash, Attribute(first, "agentops.audit.hash")["stringValue"]!.GetValue<string>());
        Assert.Equal(["alice → planner", "planner → infra-provisioner"],
            Attribute(first, "agentops.delegation_chain")["arrayValue"]!["values"]!.AsArray().Select(v => v!["stringValue"]!.GetValue<string>()));
        var decision = Attribute(logs[1]!, "agentops.decisions")["arrayValue"]!["values"]![0]!["kvlistValue"]!["values"]!.AsArray();
        Assert.Equal("Deny", decision.Single(kv => kv!["key"]!.GetValue<string>() == "verdict")!["value"]!["stringValue"]!.GetValue<string>());
        // The body is the exported JSON line, so the hash can be re-checked from the log backend alone.
        var body = JsonNode.Parse(first["body"]!["stringValue"]!.GetValue<string>())!.AsObject();
        Assert.Equal(records[0].Hash, body["hash"]!.GetValue<string>());
        Assert.Equal("agentops", JsonNode.Parse(lines[0])!["resourceLogs"]![0]!["resource"]!["attributes"]![0]!["value"]!["stringValue"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("""{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"timeUnixNano":1740821400123000000}]}]}]}""")]
    [InlineData("""{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"traceId":"AAAAAAAAAAAAAAAAAAAAAA=="}]}]}]}""")]
    [InlineData("""{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"attributes":[{"key":"a","value":{"intValue":5}}]}]}]}]}""")]
    [InlineData("""{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"attributes":[{"key":"a","value":"plain"}]}]}]}]}""")]
    [InlineData("""{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"time_unix_nano":"1"}]}]}]}""")]
    [InlineData("""{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"severityNumber":"SEVERITY_NUMBER_INFO"}]}]}]}""")]
    public void OtlpJsonShape_CommonMistakes_AreRejected(string json)
    {
        using var document = JsonDocument.Parse(json);

        Assert.Throws<FormatException>(() => OtlpJsonShape.ExportLogsServiceRequest(document.RootElement));
    }

    private static JsonNode Attribute(JsonNode log, string key) =>
        log["attributes"]!.AsArray().Single(a => a!["key"]!.GetValue<string>() == key)!["value"]!;
}
