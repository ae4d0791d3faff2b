using System.Text.Json;
using AgentOps.Core;

namespace AgentOps.Identity;

/// <summary>
/// Reads typed members from a JSON object, remembering only the first problem so a caller can read
/// everything and then report one precise error.
/// </summary>
internal sealed class ClaimReader(JsonElement element, string description)
{
    private const int MaxStringLength = 2048;
    // 9999-12-31T23:59:59Z: beyond it DateTimeOffset cannot represent the value.
    private const long MaxNumericDate = 253_402_300_799;

    public string? Error { get; private set; }

    /// <summary><see cref="TokenErrorCodes.MissingClaim"/> when the first problem was an absent member, else <see cref="TokenErrorCodes.Malformed"/>.</summary>
    public string ErrorCode { get; private set; } = TokenErrorCodes.Malformed;

    public string RequiredString(string name) => OptionalString(name) ?? Fail(name, "is missing") ?? string.Empty;

    public string? OptionalString(string name)
    {
        if (!element.TryGetProperty(name, out var value))
        {
            return null;
        }
        if (value.ValueKind != JsonValueKind.String)
        {
            return Fail(name, "must be a string") ?? string.Empty;
        }
        var text = value.GetString()!;
        if (text.Length == 0 || text.Length > MaxStringLength)
        {
            return Fail(name, $"must be 1 to {MaxStringLength} characters") ?? string.Empty;
        }
        return text;
    }

    public DateTimeOffset RequiredNumericDate(string name)
    {
        if (!element.TryGetProperty(name, out var value))
        {
            Fail(name, "is missing");
            return default;
        }
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt64(out var seconds) || seconds is < 0 or > MaxNumericDate)
        {
            Fail(name, "must be a NumericDate in whole seconds");
            return default;
        }
        return DateTimeOffset.FromUnixTimeSeconds(seconds);
    }

    public ScopeSet RequiredScope(string name)
    {
        var text = RequiredString(name);
        if (Error is not null)
        {
            return ScopeSet.Empty;
        }
        try
        {
            var scope = ScopeSet.Parse(text);
            if (scope.Count == 0)
            {
                Fail(name, "is empty");
            }
            return scope;
        }
        catch (FormatException ex)
        {
            Fail(name, $"is not a scope list: {ex.Message}");
            return ScopeSet.Empty;
        }
    }

    public JsonElement? OptionalObject(string name)
    {
        if (!element.TryGetProperty(name, out var value))
        {
            return null;
        }
        if (value.ValueKind != JsonValueKind.Object)
        {
            Fail(name, "must be a JSON object");
            return null;
        }
        return value;
    }

    private string? Fail(string name, string problem)
    {
        if (Error is null)
        {
            Error = $"{description} '{name}' {problem}";
            ErrorCode = problem == "is missing" ? TokenErrorCodes.MissingClaim : TokenErrorCodes.Malformed;
        }
        return null;
    }
}
