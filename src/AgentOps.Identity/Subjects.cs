namespace AgentOps.Identity;

public static class Subjects
{
    public const string SpiffeScheme = "spiffe://";

    private const int MaxSpiffeIdBytes = 2048;
    private const int MaxTrustDomainBytes = 255;

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
    public static bool IsValidSpiffeId(string? id)
    {
        if (id is null || id.Length > MaxSpiffeIdBytes || !id.StartsWith(SpiffeScheme, StringComparison.Ordinal))
        {
            return false;
        }
        var rest = id.AsSpan(SpiffeScheme.Length);
        var slash = rest.IndexOf('/');
        var trustDomain = slash < 0 ? rest : rest[..slash];
        if (trustDomain.IsEmpty || trustDomain.Length > MaxTrustDomainBytes)
        {
            return false;
        }
        foreach (var c in trustDomain)
        {
            if (!char.IsAsciiLetterLower(c) && !char.IsAsciiDigit(c) && c is not ('.' or '-' or '_'))
            {
                return false;
            }
        }
        if (slash < 0)
        {
            return true;
        }
        foreach (var range in rest[(slash + 1)..].Split('/'))
        {
            var segment = rest[(slash + 1)..][range];
            if (segment.IsEmpty || segment is "." or "..")
            {
                return false;
            }
            foreach (var c in segment)
            {
                if (!char.IsAsciiLetterOrDigit(c) && c is not ('.' or '-' or '_'))
                {
                    return false;
                }
            }
        }
        return true;
    }
}
