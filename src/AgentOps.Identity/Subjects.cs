namespace AgentOps.Identity;

public static class Subjects
{
    public const string SpiffeScheme = "spiffe://";

    /// <summary>The SPIFFE ID standard: implementations must support IDs of up to 2048 bytes.</summary>
    public const int MaxSpiffeIdBytes = 2048;

    /// <summary>The SPIFFE ID standard: a trust domain is at most 255 bytes.</summary>
    public const int MaxTrustDomainBytes = 255;

    /// <summary>
    /// True for any SPIFFE subject, i.e. any workload or agent. Callers use it to keep agents out of
    /// human-only decisions such as approving a pull request, so it errs towards "agent": the scheme is
    /// matched case-insensitively and leading whitespace is ignored.
    /// </summary>
    public static bool IsAgentSubject(string subject)
    {
        ArgumentNullException.ThrowIfNull(subject);
        return subject.AsSpan().TrimStart().StartsWith(SpiffeScheme, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Checks the SPIFFE ID grammar: lowercase trust domain, non-empty path segments, no query or fragment.</summary>
    public static bool IsValidSpiffeId(string? id) => ValidateSpiffeId(id) is null;

    /// <summary>
    /// Null for a valid SPIFFE ID, otherwise which rule it breaks, in words: scheme <c>spiffe</c>; trust domain of
    /// <c>[a-z0-9._-]</c>, 1 to 255 bytes, no port or userinfo; path segments of <c>[a-zA-Z0-9._-]</c>, none empty,
    /// <c>.</c> or <c>..</c>, no trailing slash; no query or fragment; at most 2048 bytes in all.
    /// </summary>
    public static string? ValidateSpiffeId(string? id)
    {
        if (string.IsNullOrEmpty(id))
        {
            return "it is empty";
        }
        // Every allowed character is ASCII, so characters and bytes agree for any ID that passes the checks below.
        if (id.Length > MaxSpiffeIdBytes)
        {
            return $"it is {id.Length} bytes; a SPIFFE ID is at most {MaxSpiffeIdBytes}";
        }
        if (!id.StartsWith(SpiffeScheme, StringComparison.Ordinal))
        {
            return "the scheme must be 'spiffe://' in lower case";
        }
        var rest = id.AsSpan(SpiffeScheme.Length);
        if (rest.IndexOfAny('?', '#') is var queryAt and >= 0)
        {
            return rest[queryAt] == '?' ? "a SPIFFE ID has no query" : "a SPIFFE ID has no fragment";
        }
        var slash = rest.IndexOf('/');
        var trustDomain = slash < 0 ? rest : rest[..slash];
        if (trustDomain.IsEmpty)
        {
            return "the trust domain is empty";
        }
        if (trustDomain.Length > MaxTrustDomainBytes)
        {
            return $"the trust domain is {trustDomain.Length} bytes; at most {MaxTrustDomainBytes} are allowed";
        }
        foreach (var c in trustDomain)
        {
            if (c == ':')
            {
                return "the trust domain has a port; SPIFFE IDs carry none";
            }
            if (c == '@')
            {
                return "the trust domain has userinfo; SPIFFE IDs carry none";
            }
            if (!char.IsAsciiLetterLower(c) && !char.IsAsciiDigit(c) && c is not ('.' or '-' or '_'))
            {
                return char.IsAsciiLetterUpper(c)
                    ? "the trust domain must be lower case"
                    : $"the trust domain has '{Printable(c)}'; only a-z, 0-9, '.', '-' and '_' are allowed";
            }
        }
        if (slash < 0)
        {
            return null;
        }
        var path = rest[(slash + 1)..];
        var index = 0;
        foreach (var range in path.Split('/'))
        {
            var segment = path[range];
            index++;
            if (segment.IsEmpty)
            {
                return range.Start.Value == path.Length ? "the path has a trailing '/'" : $"path segment {index} is empty";
            }
            if (segment is "." or "..")
            {
                return $"path segment {index} is '{segment}'; relative segments are not allowed";
            }
            foreach (var c in segment)
            {
                if (!char.IsAsciiLetterOrDigit(c) && c is not ('.' or '-' or '_'))
                {
                    return $"path segment {index} has '{Printable(c)}'; only A-Z, a-z, 0-9, '.', '-' and '_' are allowed";
                }
            }
        }
        return null;
    }

    /// <summary>The trust domain of a valid SPIFFE ID; null for anything else (a human subject, for one).</summary>
    public static string? TrustDomainOf(string? id) => TryGetTrustDomain(id, out var trustDomain) ? trustDomain.ToString() : null;

    /// <summary>
    /// True when <paramref name="id"/> is a valid SPIFFE ID whose trust domain is not <paramref name="trustDomain"/>.
    /// A verifier asks this of every principal in a chain, so it allocates nothing.
    /// </summary>
    internal static bool IsInOtherTrustDomain(string? id, ReadOnlySpan<char> trustDomain) =>
        TryGetTrustDomain(id, out var other) && !other.SequenceEqual(trustDomain);

    internal static bool TryGetTrustDomain(string? id, out ReadOnlySpan<char> trustDomain)
    {
        trustDomain = default;
        if (id is null || !id.StartsWith(SpiffeScheme, StringComparison.Ordinal) || !IsValidSpiffeId(id))
        {
            return false;
        }
        var rest = id.AsSpan(SpiffeScheme.Length);
        var slash = rest.IndexOf('/');
        trustDomain = slash < 0 ? rest : rest[..slash];
        return true;
    }

    private static string Printable(char c) => char.IsControl(c) || char.IsWhiteSpace(c) ? $"U+{(int)c:X4}" : c.ToString();
}
