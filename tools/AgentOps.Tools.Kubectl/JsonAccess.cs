using System.Globalization;
using System.Text.Json.Nodes;

namespace AgentOps.Tools.Kubectl;

/// <summary>Reading fields of API objects held as JSON: a missing field or one of another type reads as null.</summary>
internal static class JsonAccess
{
    public static JsonNode? At(this JsonNode? node, params ReadOnlySpan<string> path)
    {
        foreach (var segment in path)
        {
            node = node is JsonObject obj ? obj[segment] : null;
        }
        return node;
    }

    public static string? Str(this JsonNode? node, params ReadOnlySpan<string> path) =>
        node.At(path) is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    public static long? Long(this JsonNode? node, params ReadOnlySpan<string> path) =>
        node.At(path) is JsonValue value && value.TryGetValue<long>(out var number) ? number : null;

    public static int Int(this JsonNode? node, params ReadOnlySpan<string> path) =>
        (int)Math.Clamp(node.Long(path) ?? 0, int.MinValue, int.MaxValue);

    public static bool Bool(this JsonNode? node, params ReadOnlySpan<string> path) =>
        node.At(path) is JsonValue value && value.TryGetValue<bool>(out var flag) && flag;

    public static IEnumerable<JsonObject> Objects(this JsonNode? node, params ReadOnlySpan<string> path) =>
        node.At(path) is JsonArray array ? array.OfType<JsonObject>() : [];

    public static Dictionary<string, string> StringMap(this JsonNode? node, params ReadOnlySpan<string> path)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (node.At(path) is JsonObject obj)
        {
            foreach (var (key, value) in obj)
            {
                if (value is JsonValue v && v.TryGetValue<string>(out var text))
                {
                    result[key] = text;
                }
            }
        }
        return result;
    }

    /// <summary>An RFC 3339 time such as <c>creationTimestamp</c>, in UTC.</summary>
    public static DateTimeOffset? Time(this JsonNode? node, params ReadOnlySpan<string> path) =>
        DateTimeOffset.TryParse(node.Str(path), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time)
            ? time
            : null;
}
