using System.Diagnostics.CodeAnalysis;

namespace AgentOps.Core;

/// <summary>
/// One permission, written <c>&lt;server&gt;:&lt;verb&gt;[:&lt;resource pattern&gt;]</c>, e.g. <c>k8s:read:ns/payments</c>.
/// A missing resource means "every resource". A pattern may end in <c>*</c> to cover every resource with that prefix.
/// <c>*</c> as the server or the verb covers every server or verb.
/// </summary>
public sealed record Scope(string Server, string Verb, string? Resource)
{
    public const string Wildcard = "*";

    public static Scope Parse(string text) =>
        TryParse(text, out var scope) ? scope : throw new FormatException($"'{text}' is not a scope: expected <server>:<verb>[:<resource>].");

    // Scopes are parsed on every tool call, and a deployment uses a few hundred at most: each distinct text is parsed
    // once (a Scope is immutable). Past the bound, texts are parsed each time rather than kept.
    private const int MaxCachedScopes = 4096;
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, Scope?> s_parsed = new(StringComparer.Ordinal);

    public static bool TryParse(string? text, [NotNullWhen(true)] out Scope? scope)
    {
        if (text is null)
        {
            scope = null;
            return false;
        }
        if (s_parsed.TryGetValue(text, out scope))
        {
            return scope is not null;
        }
        var parsed = TryParseUncached(text, out scope);
        if (s_parsed.Count < MaxCachedScopes)
        {
            s_parsed.TryAdd(text, scope);
        }
        return parsed;
    }

    private static bool TryParseUncached(string text, [NotNullWhen(true)] out Scope? scope)
    {
        scope = null;
        if (string.IsNullOrWhiteSpace(text) || text.Any(char.IsWhiteSpace))
        {
            return false;
        }
        var parts = text.Split(':', 3);
        if (parts.Length < 2 || parts.Any(string.IsNullOrEmpty))
        {
            return false;
        }
        var resource = parts.Length == 3 ? parts[2] : null;
        // A wildcard is only meaningful as a whole segment or a suffix: "ns/pay*ments" would be ambiguous.
        if (resource is not null && resource.IndexOf('*', StringComparison.Ordinal) is var star && star >= 0 && star != resource.Length - 1)
        {
            return false;
        }
        if (parts[0].Contains('*', StringComparison.Ordinal) && parts[0] != Wildcard ||
            parts[1].Contains('*', StringComparison.Ordinal) && parts[1] != Wildcard)
        {
            return false;
        }
        scope = new Scope(parts[0], parts[1], resource);
        return true;
    }

    /// <summary>True when every call this scope allows is also allowed by <paramref name="other"/>.</summary>
    public bool IsSubsetOf(Scope other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other.Server != Wildcard && other.Server != Server)
        {
            return false;
        }
        if (other.Verb != Wildcard && other.Verb != Verb)
        {
            return false;
        }
        return ResourceContained(Resource, other.Resource);
    }

    private static bool ResourceContained(string? inner, string? outer)
    {
        if (outer is null || outer == Wildcard)
        {
            return true;
        }
        if (inner is null)
        {
            return false;
        }
        if (outer.EndsWith('*'))
        {
            return inner.AsSpan().StartsWith(outer.AsSpan(0, outer.Length - 1), StringComparison.Ordinal);
        }
        return inner == outer;
    }

    public override string ToString() => Resource is null ? $"{Server}:{Verb}" : $"{Server}:{Verb}:{Resource}";
}
