namespace AgentOps.GitOps;

/// <summary>
/// Which remote repositories the Git server may clone from and push to (<c>AgentOps:Git:AllowedRemotes</c>). An entry
/// is an absolute <c>https://</c> or <c>file://</c> URL; a remote is allowed when it is the entry itself or lies
/// below it at a path-segment boundary (<c>https://github.com/acme/</c> allows <c>https://github.com/acme/gitops.git</c>,
/// not <c>https://github.com/acme-evil/x</c>). Empty by default: only the embedded forge.
/// </summary>
/// <remarks>
/// Plain <c>http</c>, <c>ssh</c> and <c>git</c> URLs are refused (no transport security we can check, or keys we do not
/// hold), and so are URLs with credentials, a query, a fragment or percent-escapes: a token must never end up in
/// <c>.git/config</c>, and an escaped <c>..</c> must not slip past the prefix check.
/// </remarks>
public sealed class RemoteAllowList
{
    private readonly Uri[] _entries;

    public RemoteAllowList(IReadOnlyList<string> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        _entries = entries.Select(e => TryParse(e, out var uri, out var reason)
            ? uri
            : throw new ArgumentException($"AgentOps:Git:AllowedRemotes: {reason}", nameof(entries))).ToArray();
    }

    public IReadOnlyList<string> Entries => _entries.Select(e => e.AbsoluteUri).ToArray();

    public bool Allows(string url, out string reason)
    {
        if (!TryParse(url, out var remote, out reason))
        {
            return false;
        }
        if (_entries.Any(entry => Covers(entry, remote)))
        {
            return true;
        }
        reason = _entries.Length == 0
            ? $"'{url}' is not an allowed remote: no remotes are allowed (AgentOps:Git:AllowedRemotes is empty), only the configured forge."
            : $"'{url}' is not an allowed remote ({string.Join(", ", Entries)}).";
        return false;
    }

    private static bool Covers(Uri entry, Uri remote)
    {
        if (!string.Equals(entry.Scheme, remote.Scheme, StringComparison.OrdinalIgnoreCase) ||
            !string.Equals(entry.Authority, remote.Authority, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }
        var allowed = entry.AbsolutePath;
        var path = remote.AbsolutePath;
        if (string.Equals(allowed, path, StringComparison.Ordinal))
        {
            return true;
        }
        var prefix = allowed.EndsWith('/') ? allowed : allowed + "/";
        return path.StartsWith(prefix, StringComparison.Ordinal);
    }

    private static bool TryParse(string? text, out Uri uri, out string reason)
    {
        uri = null!;
        reason = string.Empty;
        if (string.IsNullOrWhiteSpace(text) || !Uri.TryCreate(text, UriKind.Absolute, out var parsed))
        {
            reason = $"'{text}' is not an absolute URL.";
            return false;
        }
        if (parsed.Scheme is not ("https" or "file"))
        {
            reason = $"'{text}': only https:// and file:// remotes are supported.";
            return false;
        }
        if (parsed.UserInfo.Length > 0 || parsed.Query.Length > 0 || parsed.Fragment.Length > 0 || text.Contains('%', StringComparison.Ordinal))
        {
            reason = $"'{text}' carries credentials, a query, a fragment or escapes; give the plain repository URL.";
            return false;
        }
        // Uri removes "." and ".." segments; a URL that needed that is not the URL it claims to be.
        if (text.Split('/').Any(s => s is "." or ".."))
        {
            reason = $"'{text}' has a '.' or '..' segment.";
            return false;
        }
        uri = parsed;
        return true;
    }
}
