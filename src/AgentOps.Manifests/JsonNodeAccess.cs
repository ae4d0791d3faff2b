using System.Text.Json;
using System.Text.Json.Nodes;

namespace AgentOps.Manifests;

/// <summary>Small read helpers for untyped manifests, where every level may be missing or of the wrong type.</summary>
internal static class JsonNodeAccess
{
    public static JsonNode? At(this JsonNode? node, params string[] path)
    {
        foreach (var segment in path)
        {
            node = node is JsonObject obj && obj.TryGetPropertyValue(segment, out var child) ? child : null;
        }

        return node;
    }

    public static string? AsString(this JsonNode? node) =>
        node is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    public static bool? AsBool(this JsonNode? node) =>
        node is JsonValue value && value.TryGetValue<bool>(out var flag) ? flag : null;

    /// <summary>An immutable copy, safe to share between threads (a JsonNode is not).</summary>
    public static JsonElement ToElement(this JsonNode node)
    {
        using var document = JsonDocument.Parse(node.ToJsonString());
        return document.RootElement.Clone();
    }
}
