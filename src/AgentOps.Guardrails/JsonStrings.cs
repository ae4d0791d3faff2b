using System.Text.Json.Nodes;

namespace AgentOps.Guardrails;

/// <summary>
/// Visits every string in a tool's argument tree, property names included, until the visitor says stop. The guardrail
/// layers do this on every tool call, so it indexes objects and arrays instead of enumerating them: no enumerator,
/// iterator or closure is allocated per node (with a static visitor), which keeps the per-call garbage, and with it the
/// garbage collections that make the slowest calls slow, down.
/// </summary>
internal static class JsonStrings
{
    /// <param name="key">The name of the property the text belongs to (for a property name, the name itself); null at the top.</param>
    /// <param name="isPropertyName">True when <paramref name="text"/> is a property name rather than a string value.</param>
    /// <returns>True to stop the walk.</returns>
    public delegate bool Visitor<TState>(ref TState state, string? key, string text, bool isPropertyName);

    /// <returns>True when the visitor stopped the walk.</returns>
    public static bool Walk<TState>(JsonNode? node, ref TState state, Visitor<TState> visit) => Walk(node, key: null, ref state, visit);

    private static bool Walk<TState>(JsonNode? node, string? key, ref TState state, Visitor<TState> visit)
    {
        switch (node)
        {
            case JsonObject obj:
                for (var i = 0; i < obj.Count; i++)
                {
                    var (name, value) = obj.GetAt(i);
                    if (visit(ref state, name, name, isPropertyName: true) || Walk(value, name, ref state, visit))
                    {
                        return true;
                    }
                }
                return false;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    if (Walk(array[i], key, ref state, visit))
                    {
                        return true;
                    }
                }
                return false;
            case JsonValue value when value.TryGetValue<string>(out var text):
                return visit(ref state, key, text, isPropertyName: false);
            default:
                return false;
        }
    }
}
