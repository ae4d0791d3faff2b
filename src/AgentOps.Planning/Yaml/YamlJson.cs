using System.Collections;
using System.Globalization;
using System.Text.Json.Nodes;

namespace AgentOps.Planning.Yaml;

/// <summary>Turns the untyped tree YamlDotNet builds for step arguments into JSON nodes.</summary>
internal static class YamlJson
{
    public static JsonObject ToObject(IDictionary? map)
    {
        var result = new JsonObject();
        if (map is null)
        {
            return result;
        }
        foreach (DictionaryEntry entry in map)
        {
            result[Convert.ToString(entry.Key, CultureInfo.InvariantCulture) ?? ""] = ToNode(entry.Value);
        }
        return result;
    }

    private static JsonNode? ToNode(object? value) => value switch
    {
        null => null,
        string text => JsonValue.Create(text),
        bool flag => JsonValue.Create(flag),
        int number => JsonValue.Create(number),
        long number => JsonValue.Create(number),
        ulong number => JsonValue.Create(number),
        double number => JsonValue.Create(number),
        float number => JsonValue.Create(number),
        decimal number => JsonValue.Create(number),
        IDictionary map => ToObject(map),
        IEnumerable items => new JsonArray(items.Cast<object?>().Select(ToNode).ToArray()),
        _ => JsonValue.Create(Convert.ToString(value, CultureInfo.InvariantCulture)),
    };
}
