using System.Text.Json;

namespace AgentOps.Storage.Tests;

/// <summary>
/// A strict reader of OTLP/JSON logs, written from the opentelemetry-proto message definitions
/// (collector/logs/v1, logs/v1, common/v1, resource/v1) and the OTLP JSON encoding rules: only the fields those
/// messages define, in lowerCamelCase; 64-bit integers as decimal strings; trace and span ids as hex; enums as numbers;
/// an AnyValue with exactly one value. It throws on the first deviation, naming the JSON path.
/// </summary>
internal static class OtlpJsonShape
{
    public static void ExportLogsServiceRequest(JsonElement request)
    {
        Fields(request, "$", "resourceLogs");
        foreach (var (resourceLogs, i) in Array(request, "resourceLogs", "$").Select((e, i) => (e, i)))
        {
            var path = $"$.resourceLogs[{i}]";
            Fields(resourceLogs, path, "resource", "scopeLogs", "schemaUrl");
            if (resourceLogs.TryGetProperty("resource", out var resource))
            {
                Fields(resource, path + ".resource", "attributes", "droppedAttributesCount", "entityRefs");
                KeyValues(resource, path + ".resource");
            }
            foreach (var (scopeLogs, j) in Array(resourceLogs, "scopeLogs", path).Select((e, j) => (e, j)))
            {
                var scopePath = $"{path}.scopeLogs[{j}]";
                Fields(scopeLogs, scopePath, "scope", "logRecords", "schemaUrl");
                if (scopeLogs.TryGetProperty("scope", out var scope))
                {
                    Fields(scope, scopePath + ".scope", "name", "version", "attributes", "droppedAttributesCount");
                    KeyValues(scope, scopePath + ".scope");
                }
                foreach (var (log, k) in Array(scopeLogs, "logRecords", scopePath).Select((e, k) => (e, k)))
                {
                    LogRecord(log, $"{scopePath}.logRecords[{k}]");
                }
            }
        }
    }

    private static void LogRecord(JsonElement log, string path)
    {
        Fields(log, path, "timeUnixNano", "observedTimeUnixNano", "severityNumber", "severityText", "body", "attributes",
            "droppedAttributesCount", "flags", "traceId", "spanId", "eventName");
        Uint64String(log, "timeUnixNano", path);
        Uint64String(log, "observedTimeUnixNano", path);
        if (log.TryGetProperty("severityNumber", out var severity) &&
            (severity.ValueKind != JsonValueKind.Number || !severity.TryGetInt32(out var number) || number is < 0 or > 24))
        {
            throw new FormatException($"{path}.severityNumber is not a SeverityNumber enum value (a number 0..24)");
        }
        Hex(log, "traceId", 16, path);
        Hex(log, "spanId", 8, path);
        if (log.TryGetProperty("body", out var body))
        {
            AnyValue(body, path + ".body");
        }
        KeyValues(log, path);
    }

    private static void KeyValues(JsonElement owner, string path)
    {
        if (!owner.TryGetProperty("attributes", out _))
        {
            return;
        }
        foreach (var (kv, i) in Array(owner, "attributes", path).Select((e, i) => (e, i)))
        {
            KeyValue(kv, $"{path}.attributes[{i}]");
        }
    }

    private static void KeyValue(JsonElement kv, string path)
    {
        Fields(kv, path, "key", "value");
        if (!kv.TryGetProperty("key", out var key) || key.ValueKind != JsonValueKind.String)
        {
            throw new FormatException($"{path}.key is not a string");
        }
        if (!kv.TryGetProperty("value", out var value))
        {
            throw new FormatException($"{path} has no value");
        }
        AnyValue(value, path + ".value");
    }

    private static void AnyValue(JsonElement value, string path)
    {
        Fields(value, path, "stringValue", "boolValue", "intValue", "doubleValue", "arrayValue", "kvlistValue", "bytesValue");
        var members = value.EnumerateObject().ToArray();
        if (members.Length != 1)
        {
            throw new FormatException($"{path} is an AnyValue with {members.Length} values; the oneof allows exactly one here");
        }
        var member = members[0];
        switch (member.Name)
        {
            case "stringValue" when member.Value.ValueKind == JsonValueKind.String:
            case "boolValue" when member.Value.ValueKind is JsonValueKind.True or JsonValueKind.False:
            case "doubleValue" when member.Value.ValueKind == JsonValueKind.Number:
            case "bytesValue" when member.Value.ValueKind == JsonValueKind.String:
                return;
            case "intValue":
                Int64String(member.Value, path + ".intValue");
                return;
            case "arrayValue":
                Fields(member.Value, path + ".arrayValue", "values");
                foreach (var (item, i) in Array(member.Value, "values", path + ".arrayValue").Select((e, i) => (e, i)))
                {
                    AnyValue(item, $"{path}.arrayValue.values[{i}]");
                }
                return;
            case "kvlistValue":
                Fields(member.Value, path + ".kvlistValue", "values");
                foreach (var (item, i) in Array(member.Value, "values", path + ".kvlistValue").Select((e, i) => (e, i)))
                {
                    KeyValue(item, $"{path}.kvlistValue.values[{i}]");
                }
                return;
            default:
                throw new FormatException($"{path}.{member.Name} has the wrong JSON type ({member.Value.ValueKind})");
        }
    }

    private static void Fields(JsonElement element, string path, params string[] allowed)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException($"{path} is not an object");
        }
        foreach (var property in element.EnumerateObject())
        {
            if (!allowed.Contains(property.Name, StringComparer.Ordinal))
            {
                throw new FormatException($"{path}.{property.Name} is not a field of this OTLP message");
            }
        }
    }

    private static IEnumerable<JsonElement> Array(JsonElement owner, string name, string path)
    {
        if (!owner.TryGetProperty(name, out var array))
        {
            return [];
        }
        return array.ValueKind == JsonValueKind.Array ? array.EnumerateArray() : throw new FormatException($"{path}.{name} is not an array");
    }

    private static void Uint64String(JsonElement owner, string name, string path)
    {
        if (owner.TryGetProperty(name, out var value) &&
            (value.ValueKind != JsonValueKind.String || !ulong.TryParse(value.GetString(), System.Globalization.NumberStyles.None, null, out _)))
        {
            throw new FormatException($"{path}.{name} is not a fixed64 as a decimal string");
        }
    }

    private static void Int64String(JsonElement value, string path)
    {
        if (value.ValueKind != JsonValueKind.String || !long.TryParse(value.GetString(), System.Globalization.NumberStyles.AllowLeadingSign, null, out _))
        {
            throw new FormatException($"{path} is not an int64 as a decimal string");
        }
    }

    private static void Hex(JsonElement owner, string name, int bytes, string path)
    {
        if (owner.TryGetProperty(name, out var value) &&
            (value.ValueKind != JsonValueKind.String || value.GetString() is not { } text ||
             text.Length != bytes * 2 || !text.All(Uri.IsHexDigit)))
        {
            throw new FormatException($"{path}.{name} is not {bytes} bytes as hex (OTLP/JSON encodes ids as hex, not base64)");
        }
    }
}
