using System.Text.Json;
using Json.Schema;

namespace AgentOps.Manifests;

/// <summary>
/// Reads JsonSchema.Net evaluation paths (e.g. <c>/properties/spec/items/items/properties/port</c>) back into our
/// translated schema, to quote enum values, patterns and limits in error messages.
/// </summary>
internal static class SchemaPath
{
    private static readonly HashSet<string> s_namedChildKeywords = new(StringComparer.Ordinal)
    {
        "properties", "patternProperties", "$defs", "dependentSchemas",
    };

    private static readonly HashSet<string> s_indexedChildKeywords = new(StringComparer.Ordinal)
    {
        "allOf", "anyOf", "oneOf", "prefixItems",
    };

    // JsonSchema.Net 8.0.5 writes the "items" keyword twice in evaluation paths ("/items/items" for one level).
    // Probing once, instead of hard-coding it, keeps us right if a later version fixes that.
    private static readonly Lazy<bool> s_itemsKeywordEchoed = new(ProbeItemsEcho);

    public static string[] Split(string pointer) =>
        pointer.Length == 0
            ? []
            : [.. pointer[1..].Split('/').Select(s => s.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal))];

    public static string Escape(string segment) =>
        segment.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);

    /// <summary>True when the path runs through an anyOf/oneOf branch or a not: failures there are not errors by
    /// themselves (another branch may pass), so they are reported once, at the combinator.</summary>
    public static bool IsInsideAlternative(string evaluationPath)
    {
        var segments = Split(evaluationPath);
        for (var i = 0; i < segments.Length; i++)
        {
            if (s_namedChildKeywords.Contains(segments[i]) || segments[i] is "allOf" or "prefixItems")
            {
                i++;
            }
            else if (segments[i] is "anyOf" or "oneOf" or "not")
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The subschema an evaluation path points at, or null when it cannot be followed.</summary>
    public static JsonElement? Resolve(JsonElement schema, string evaluationPath)
    {
        var segments = Split(evaluationPath);
        var current = schema;
        for (var i = 0; i < segments.Length; i++)
        {
            var keyword = segments[i];
            if (current.ValueKind != JsonValueKind.Object || !current.TryGetProperty(keyword, out var child))
            {
                return null;
            }

            if (s_namedChildKeywords.Contains(keyword) || s_indexedChildKeywords.Contains(keyword))
            {
                if (++i >= segments.Length)
                {
                    return null;
                }

                if (Child(child, segments[i]) is not { } next)
                {
                    return null;
                }

                child = next;
            }
            else if (keyword == "items" && s_itemsKeywordEchoed.Value && i + 1 < segments.Length && segments[i + 1] == "items")
            {
                i++;
            }

            current = child;
        }

        return current;
    }

    private static JsonElement? Child(JsonElement container, string segment) => container.ValueKind switch
    {
        JsonValueKind.Object when container.TryGetProperty(segment, out var named) => named,
        JsonValueKind.Array when int.TryParse(segment, out var index) && index >= 0 && index < container.GetArrayLength() => container[index],
        _ => null,
    };

    private static bool ProbeItemsEcho()
    {
        var schema = JsonSchema.Build(
            JsonDocument.Parse("""{"items":{"type":"string"}}""").RootElement,
            new BuildOptions { SchemaRegistry = new SchemaRegistry(), Dialect = Dialect.Draft202012 });
        var results = schema.Evaluate(JsonDocument.Parse("[1]").RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        return (results.Details ?? []).Any(d => d.EvaluationPath.ToString() == "/items/items");
    }
}
