namespace AgentOps.GitOps;

/// <summary>
/// Which repository paths an agent may write. Patterns are exact paths or prefixes ending in <c>/**</c>.
/// Anything outside, anything absolute, and anything that climbs with <c>..</c> or touches <c>.git</c> is refused.
/// </summary>
public sealed class PathAllowList(IReadOnlyList<string> patterns)
{
    public IReadOnlyList<string> Patterns { get; } = patterns;

    public bool Allows(string path, out string reason)
    {
        reason = string.Empty;
        if (string.IsNullOrWhiteSpace(path) || path.StartsWith('/') || path.Contains('\\', StringComparison.Ordinal) || path.Contains('\0', StringComparison.Ordinal))
        {
            reason = $"'{path}' is not a relative repository path.";
            return false;
        }
        var segments = path.Split('/');
        if (segments.Any(s => s is "" or "." or ".." || s.Equals(".git", StringComparison.OrdinalIgnoreCase)))
        {
            reason = $"'{path}' has an empty, '.', '..' or '.git' segment.";
            return false;
        }
        if (Patterns.Any(p => Matches(p, path)))
        {
            return true;
        }
        reason = $"'{path}' is outside the allowed paths ({string.Join(", ", Patterns)}).";
        return false;
    }

    private static bool Matches(string pattern, string path) =>
        pattern.EndsWith("/**", StringComparison.Ordinal)
            ? path.StartsWith(pattern[..^2], StringComparison.Ordinal)
            : string.Equals(pattern, path, StringComparison.Ordinal);
}
