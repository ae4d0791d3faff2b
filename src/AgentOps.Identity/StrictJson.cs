using System.Text.Json;
using System.Text.Unicode;

namespace AgentOps.Identity;

/// <summary>
/// Parses security-relevant JSON (JOSE headers, JWT payloads, key sets) while refusing inputs that
/// different parsers would read differently: duplicate member names, invalid UTF-8, comments, trailing data.
/// Each refusal carries its own <see cref="TokenErrorCodes"/> code.
/// </summary>
internal static class StrictJson
{
    public static JsonDocument? TryParseObject(ReadOnlyMemory<byte> utf8, int maxDepth, out string? error) =>
        TryParseObject(utf8, maxDepth, out _, out error);

    /// <param name="code">On failure, one of <see cref="TokenErrorCodes.InvalidUtf8"/>, <see cref="TokenErrorCodes.NestingTooDeep"/>,
    /// <see cref="TokenErrorCodes.DuplicateKey"/> or <see cref="TokenErrorCodes.Malformed"/>.</param>
    public static JsonDocument? TryParseObject(ReadOnlyMemory<byte> utf8, int maxDepth, out string? code, out string? error)
    {
        (code, error) = FindProblem(utf8.Span, maxDepth);
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
            code = TokenErrorCodes.Malformed;
            error = $"not valid JSON ({ex.Message})";
            return null;
        }
    }

    private static (string? Code, string? Error) FindProblem(ReadOnlySpan<byte> utf8, int maxDepth)
    {
        if (!Utf8.IsValid(utf8))
        {
            return (TokenErrorCodes.InvalidUtf8, "not valid UTF-8");
        }
        // One level of head-room so this loop, not the reader, sees the limit crossed and can name it.
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { MaxDepth = maxDepth + 1 });
        var names = new Stack<HashSet<string>>();
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return (TokenErrorCodes.Malformed, "not a JSON object");
            }
            names.Push(new HashSet<string>(StringComparer.Ordinal));
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject or JsonTokenType.StartArray when reader.CurrentDepth >= maxDepth:
                        return (TokenErrorCodes.NestingTooDeep, $"nested deeper than {maxDepth} levels");
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
                            return (TokenErrorCodes.DuplicateKey, $"ambiguous: it repeats the member name '{Truncate(name)}', which parsers resolve differently");
                        }
                        break;
                    default:
                        break;
                }
            }
        }
        catch (JsonException ex)
        {
            return (TokenErrorCodes.Malformed, $"not valid JSON ({ex.Message})");
        }
        catch (InvalidOperationException ex)
        {
            return (TokenErrorCodes.Malformed, $"not valid JSON ({ex.Message})");
        }
        return (null, null);
    }

    private static string Truncate(string text) => text.Length <= 64 ? text : text[..64] + "…";
}
