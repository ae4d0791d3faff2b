using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using AgentOps.Core;

namespace AgentOps.Orchestration.Tools;

/// <summary>
/// The scope a third-party tool call needs, written as a scope whose resource may name call arguments:
/// <c>k8s:read:ns/{namespace}</c>. Resolving it against the arguments of one call gives the exact scope that call needs,
/// the way our own servers' <c>IToolScopeResolver</c> does.
/// </summary>
public sealed partial class ScopeTemplate
{
    private readonly string _text;

    private ScopeTemplate(string text, IReadOnlyList<string> placeholders)
    {
        _text = text;
        Placeholders = placeholders;
    }

    /// <summary>The argument names the template refers to, in order of appearance.</summary>
    public IReadOnlyList<string> Placeholders { get; }

    /// <exception cref="FormatException">
    /// Not a scope once its placeholders are filled, a placeholder outside the resource part, or a wildcard.
    /// </exception>
    public static ScopeTemplate Parse(string text)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(text);
        if (PlaceholderPattern().Replace(text, string.Empty).IndexOfAny(['{', '}']) >= 0)
        {
            throw new FormatException($"'{text}' has a malformed placeholder; write arguments as {{name}}.");
        }
        var parts = text.Split(':', 3);
        if (parts.Length < 3 ? text.Contains('{', StringComparison.Ordinal) : (parts[0] + parts[1]).Contains('{', StringComparison.Ordinal))
        {
            throw new FormatException($"'{text}': arguments may appear in the resource part only, never in the server or the verb.");
        }
        // A required scope is one exact permission; a wildcard here would let a broad rule stand for a narrow call.
        if (text.Contains('*', StringComparison.Ordinal))
        {
            throw new FormatException($"'{text}' holds a wildcard; a required scope names exactly what one call does.");
        }
        if (!Scope.TryParse(PlaceholderPattern().Replace(text, "x"), out _))
        {
            throw new FormatException($"'{text}' is not a scope template: expected <server>:<verb>[:<resource>], where the resource may name arguments as {{name}}.");
        }
        var placeholders = PlaceholderPattern().Matches(text).Select(m => m.Groups[1].Value).Distinct(StringComparer.Ordinal).ToArray();
        return new ScopeTemplate(text, placeholders);
    }

    /// <summary>
    /// The scope this call needs. Fails, with the reason, when an argument the template names is missing, is not a
    /// plain name, or when the call also carries the same argument under another spelling.
    /// </summary>
    public bool TryResolve(JsonObject arguments, [NotNullWhen(true)] out Scope? scope, [NotNullWhen(false)] out string? reason)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        scope = null;
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in Placeholders)
        {
            // Some servers read arguments case-insensitively (Go's encoding/json does); a second spelling could then
            // reach the backend while the check looked at the first.
            if (arguments.Select(p => p.Key).FirstOrDefault(k => k != name && string.Equals(k, name, StringComparison.OrdinalIgnoreCase)) is { } twin)
            {
                reason = $"argument '{twin}' is another spelling of '{name}', which decides the scope; send it once, as '{name}'";
                return false;
            }
            if (arguments[name] is not JsonValue value || !value.TryGetValue<string>(out var text))
            {
                reason = $"argument '{name}' is required to decide the scope ({_text}); the server's own default is not checked";
                return false;
            }
            if (!PlainName().IsMatch(text))
            {
                reason = $"argument '{name}' must be a plain name (letters, digits, '.', '-', '_') to decide the scope ({_text})";
                return false;
            }
            values[name] = text;
        }
        var resolved = PlaceholderPattern().Replace(_text, m => values[m.Groups[1].Value]);
        if (!Scope.TryParse(resolved, out scope))
        {
            reason = $"'{resolved}' is not a scope";
            return false;
        }
        reason = null;
        return true;
    }

    public override string ToString() => _text;

    [GeneratedRegex(@"\{([A-Za-z_][A-Za-z0-9_]*)\}", RegexOptions.CultureInvariant)]
    private static partial Regex PlaceholderPattern();

    // Kubernetes names and namespaces fit easily; '*', ':', '/' and whitespace, which would change what a scope means, do not.
    [GeneratedRegex(@"^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,251}[A-Za-z0-9])?$", RegexOptions.CultureInvariant)]
    private static partial Regex PlainName();
}
