using LibGit2Sharp;

namespace AgentOps.GitOps;

/// <summary>
/// The one credential the Git server holds for remotes: a GitHub token, offered over https to the GitHub host only
/// (<c>github.com</c>, or the GitHub Enterprise host), so a remote elsewhere never sees it.
/// </summary>
public sealed class RemoteCredentials(string? gitHubToken, string gitHubHost)
{
    public Credentials? For(string url)
    {
        if (string.IsNullOrEmpty(gitHubToken) || !Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttps)
        {
            return null;
        }
        return string.Equals(uri.Host, gitHubHost, StringComparison.OrdinalIgnoreCase)
            ? new UsernamePasswordCredentials { Username = "x-access-token", Password = gitHubToken }
            : null;
    }
}
