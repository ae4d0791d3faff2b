using System.Text.Json;
using AgentOps.Core;

namespace AgentOps.Identity;

/// <summary>What one JSON member held, as far as a claim check needs it; <see cref="IsPresent"/> false when absent.</summary>
internal readonly record struct ClaimValue(JsonTokenType Kind, string? Text = null, long? Integer = null)
{
    public bool IsPresent => Kind != JsonTokenType.None;

    /// <summary>Captures the value under <paramref name="reader"/> and moves past it.</summary>
    public static ClaimValue Read(ref StrictJsonReader reader)
    {
        var kind = reader.TokenType;
        switch (kind)
        {
            case JsonTokenType.String:
                return new ClaimValue(kind, Text: reader.GetString());
            case JsonTokenType.Number:
                return new ClaimValue(kind, Integer: reader.TryGetInt64(out var number) ? number : null);
            default:
                reader.SkipValue();
                return new ClaimValue(kind);
        }
    }
}

/// <summary>
/// Type-checks claim values, remembering only the first problem so a caller can check everything and then report one
/// precise error.
/// </summary>
internal sealed class ClaimReader(string description, ScopeParser? scopes = null)
{
    private const int MaxStringLength = 2048;
    // 9999-12-31T23:59:59Z: beyond it DateTimeOffset cannot represent the value.
    private const long MaxNumericDate = 253_402_300_799;

    public string? Error { get; private set; }

    /// <summary><see cref="TokenErrorCodes.MissingClaim"/> when the first problem was an absent member, else <see cref="TokenErrorCodes.Malformed"/>.</summary>
    public string ErrorCode { get; private set; } = TokenErrorCodes.Malformed;

    public string RequiredString(string name, in ClaimValue value) => OptionalString(name, value) ?? Fail(name, "is missing") ?? string.Empty;

    public string? OptionalString(string name, in ClaimValue value)
    {
        if (!value.IsPresent)
        {
            return null;
        }
        if (value.Kind != JsonTokenType.String)
        {
            return Fail(name, "must be a string") ?? string.Empty;
        }
        var text = value.Text!;
        if (text.Length == 0 || text.Length > MaxStringLength)
        {
            return Fail(name, $"must be 1 to {MaxStringLength} characters") ?? string.Empty;
        }
        return text;
    }

    public DateTimeOffset RequiredNumericDate(string name, in ClaimValue value)
    {
        if (!value.IsPresent)
        {
            Fail(name, "is missing");
            return default;
        }
        if (value.Kind != JsonTokenType.Number || value.Integer is not (>= 0 and <= MaxNumericDate) || value.Integer is not { } seconds)
        {
            Fail(name, "must be a NumericDate in whole seconds");
            return default;
        }
        return DateTimeOffset.FromUnixTimeSeconds(seconds);
    }

    public ScopeSet RequiredScope(string name, in ClaimValue value)
    {
        var text = RequiredString(name, value);
        if (Error is not null)
        {
            return ScopeSet.Empty;
        }
        try
        {
            var scope = scopes is null ? ScopeSet.Parse(text) : scopes.Parse(text);
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

    public void OptionalObject(string name, in ClaimValue value)
    {
        if (value.IsPresent && value.Kind != JsonTokenType.StartObject)
        {
            Fail(name, "must be a JSON object");
        }
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

/// <summary>
/// Parses scope claims, reusing the last result for the same text: a chain repeats its scope at every hop that did not
/// narrow it, and parsing a scope list is the costliest part of reading an entry.
/// </summary>
internal sealed class ScopeParser
{
    private string? _lastText;
    private ScopeSet? _lastScope;

    /// <exception cref="FormatException"><paramref name="text"/> is not a scope list.</exception>
    public ScopeSet Parse(string text)
    {
        if (_lastText != text)
        {
            _lastScope = ScopeSet.Parse(text);
            _lastText = text;
        }
        return _lastScope!;
    }
}
