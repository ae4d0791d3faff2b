using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using AgentOps.Core;

namespace AgentOps.Storage;

/// <summary>
/// Audit records as OpenTelemetry log records in the OTLP/JSON encoding: one <c>ExportLogsServiceRequest</c>
/// (<c>resourceLogs</c> ▸ <c>scopeLogs</c> ▸ <c>logRecords</c>) per batch. Each is a valid body for
/// <c>POST /v1/logs</c> with <c>Content-Type: application/json</c>, and a file of them, one a line, is what the
/// Collector's <c>otlpjsonfile</c> receiver reads. Per the OTLP JSON rules: lowerCamelCase names, 64-bit integers as
/// decimal strings, trace ids as hex (not base64), enums as numbers, attribute values as <c>AnyValue</c>.
/// </summary>
public static class AuditOtlpJson
{
    public const string ScopeName = "agentops.audit";
    public const string EventName = "agentops.audit.record";

    // Quotes inside the body stay readable as \" rather than \u0022; the output is JSON, never embedded in HTML.
    private static readonly JsonSerializerOptions s_relaxed = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private const int SeverityInfo = 9;
    private const int SeverityWarn = 13;

    /// <summary>One <c>ExportLogsServiceRequest</c> as a single line of JSON.</summary>
    public static string ExportLogsServiceRequestLine(IEnumerable<AuditRecord> records, string serviceName = "agentops") =>
        ExportLogsServiceRequest(records, serviceName).ToJsonString(s_relaxed);

    public static JsonObject ExportLogsServiceRequest(IEnumerable<AuditRecord> records, string serviceName = "agentops")
    {
        ArgumentNullException.ThrowIfNull(records);
        ArgumentException.ThrowIfNullOrEmpty(serviceName);
        return new JsonObject
        {
            ["resourceLogs"] = new JsonArray(new JsonObject
            {
                ["resource"] = new JsonObject { ["attributes"] = new JsonArray(Attribute("service.name", Text(serviceName))) },
                ["scopeLogs"] = new JsonArray(new JsonObject
                {
                    ["scope"] = new JsonObject { ["name"] = ScopeName, ["version"] = "1" },
                    ["logRecords"] = new JsonArray(records.Select(r => (JsonNode?)LogRecord(r)).ToArray()),
                }),
            }),
        };
    }

    /// <summary>
    /// One log record. The body is the record's exported JSON line, so a SIEM can re-check its hash; the fields are
    /// also attributes for querying. The trace id is derived from the run id (first 16 bytes of its SHA-256), so a
    /// backend groups a run's records together; records outside any run carry none.
    /// </summary>
    public static JsonObject LogRecord(AuditRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var deny = record.Decisions.Any(d => d.Verdict == Verdict.Deny);
        var attributes = new JsonArray(
            Attribute("agentops.audit.sequence", Integer(record.Sequence)),
            Attribute("agentops.run.id", Text(record.RunId)),
            Attribute("agentops.actor", Text(record.Actor)),
            Attribute("agentops.actor.kind", Text(PrincipalName.IsAgent(record.Actor) ? "agent" : "human")),
            Attribute("agentops.delegation_chain", new JsonObject
            {
                ["arrayValue"] = new JsonObject { ["values"] = new JsonArray(record.DelegationChain.Select(l => (JsonNode?)Text(l)).ToArray()) },
            }),
            Attribute("agentops.action", Text(record.Action)),
            Attribute("agentops.argument_digest", Text(record.ArgumentDigest)),
            Attribute("agentops.decisions", new JsonObject
            {
                ["arrayValue"] = new JsonObject { ["values"] = new JsonArray(record.Decisions.Select(d => (JsonNode?)Decision(d)).ToArray()) },
            }),
            Attribute("agentops.outcome", Text(record.Outcome)),
            Attribute("agentops.audit.prev_hash", Text(record.PrevHash)),
            Attribute("agentops.audit.hash", Text(record.Hash)));
        if (record.ResultDigest is { } result)
        {
            attributes.Add((JsonNode)Attribute("agentops.result_digest", Text(result)));
        }
        var log = new JsonObject
        {
            ["timeUnixNano"] = UnixNanos(record.Time),
            ["severityNumber"] = deny ? SeverityWarn : SeverityInfo,
            ["severityText"] = deny ? "WARN" : "INFO",
            ["eventName"] = EventName,
            ["body"] = Text(CanonicalJson.Serialize(AuditRecordJson.ToJson(record, includeHash: true))),
            ["attributes"] = attributes,
        };
        if (record.RunId is { Length: > 0 } runId && runId != "-")
        {
            log["traceId"] = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(runId)).AsSpan(0, 16));
        }
        return log;
    }

    /// <summary>Nanoseconds since the Unix epoch as the decimal string OTLP/JSON uses for fixed64.</summary>
    public static string UnixNanos(DateTimeOffset time) =>
        checked((time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * 100).ToString(CultureInfo.InvariantCulture);

    private static JsonObject Decision(LayerDecision decision) => new()
    {
        ["kvlistValue"] = new JsonObject
        {
            ["values"] = new JsonArray(
                Attribute("layer", Text(decision.Layer)),
                Attribute("verdict", Text(decision.Verdict.ToString())),
                Attribute("rule", Text(decision.Rule)),
                Attribute("reason", Text(decision.Reason))),
        },
    };

    private static JsonObject Attribute(string key, JsonObject value) => new() { ["key"] = key, ["value"] = value };

    private static JsonObject Text(string value) => new() { ["stringValue"] = value };

    private static JsonObject Integer(long value) => new() { ["intValue"] = value.ToString(CultureInfo.InvariantCulture) };
}
