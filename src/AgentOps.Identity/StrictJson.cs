using System.Text.Json;
using System.Text.Unicode;

namespace AgentOps.Identity;

/// <summary>
/// Parses security-relevant JSON (JOSE headers, JWT payloads, key sets) while refusing inputs that
/// different parsers would read differently: duplicate member names, invalid UTF-8, comments, trailing data.
/// </summary>
internal static class StrictJson
{
    public static JsonDocument? TryParseObject(ReadOnlyMemory<byte> utf8, int maxDepth, out string? error)
    {
        error = FindProblem(utf8.Span, maxDepth);
        if (error is not null)
        {
            return null;
        }
        try
        {
            return JsonDocument.Parse(utf8, new JsonDocumentOptions { MaxDepth = maxDepth });
        }
        catch (JsonException ex)
        {
            error = $"not valid JSON ({ex.Message})";
            return null;
        }
    }

    private static string? FindProblem(ReadOnlySpan<byte> utf8, int maxDepth)
    {
        if (!Utf8.IsValid(utf8))
        {
            return "not valid UTF-8";
        }
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { MaxDepth = maxDepth });
        var names = new Stack<HashSet<string>>();
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return "not a JSON object";
            }
            names.Push(new HashSet<string>(StringComparer.Ordinal));
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject:
                        names.Push(new HashSet<string>(StringComparer.Ordinal));
                        break;
                    case JsonTokenType.EndObject:
                        names.Pop();
                        break;
                    case JsonTokenType.PropertyName:
                        // GetString unescapes, so "a" and "\u0061" count as the same member, as every consumer reads them.
                        var name = reader.GetString()!;
                        if (!names.Peek().Add(name))
                        {
                            return $"duplicate member name '{name}'";
                        }
                        break;
                    default:
                        break;
                }
            }
        }
        catch (JsonException ex)
        {
            return $"not valid JSON ({ex.Message})";
        }
        catch (InvalidOperationException ex)
        {
            return $"not valid JSON ({ex.Message})";
        }
        return null;
    }
}
