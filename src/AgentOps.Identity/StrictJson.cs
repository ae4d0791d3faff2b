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
        var reader = new StrictJsonReader(utf8, maxDepth);
        try
        {
            reader.ReadStartOfRootObject();
            while (reader.Read())
            {
            }
        }
        catch (StrictJsonException ex)
        {
            return (ex.Code, ex.Message);
        }
        return (null, null);
    }
}
