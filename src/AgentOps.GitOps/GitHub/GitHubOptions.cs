namespace AgentOps.GitOps.GitHub;

/// <summary>
/// The GitHub repository pull requests go to, bound from <c>AgentOps:GitHub</c>. The token is not an option: it is read
/// from the <c>GITHUB_TOKEN</c> environment variable, so it is never in a configuration file or a log of settings.
/// </summary>
public sealed class GitHubOptions
{
    public const string SectionName = "AgentOps:GitHub";

    /// <summary>Owner (user or organisation) of the repository. <value>Required.</value></summary>
    public string Owner { get; set; } = string.Empty;

    /// <summary>
    /// The repository name on GitHub. Tools name it in their <c>repo</c> argument (and so in their scopes); any other
    /// name is refused. <value>Required.</value>
    /// </summary>
    public string Repository { get; set; } = string.Empty;

    /// <summary>
    /// The GitHub server: <c>https://github.com</c> (or <c>https://api.github.com</c>) for github.com, the server URL for
    /// GitHub Enterprise, whose REST API is under <c>/api/v3/</c>. <value>Default: <c>https://api.github.com</c>.</value>
    /// </summary>
    public Uri BaseUrl { get; set; } = new("https://api.github.com");

    /// <summary>Timeout of one HTTP request. <value>Default: 30 seconds.</value></summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Retries of a read (GET) that failed with a 5xx, a timeout or a network error; writes are never retried. <value>Default: 2.</value></summary>
    public int ReadRetries { get; set; } = 2;

    /// <summary>First delay between read retries, doubled each time. <value>Default: 1 second.</value></summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>True for github.com, false for a GitHub Enterprise server.</summary>
    public bool IsPublicGitHub => BaseUrl.Host is "github.com" or "api.github.com";

    /// <summary>The host that serves the web pages and Git over https: <c>github.com</c>, or the Enterprise host.</summary>
    public string WebHost => IsPublicGitHub ? "github.com" : BaseUrl.Host;

    /// <summary>Root of the web pages (pull-request links).</summary>
    public Uri WebUrl => IsPublicGitHub ? new Uri("https://github.com/") : new Uri(BaseUrl.GetLeftPart(UriPartial.Authority) + "/");

    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Owner) || string.IsNullOrWhiteSpace(Repository))
        {
            throw new InvalidOperationException("AgentOps:GitHub:Owner and AgentOps:GitHub:Repository are required when AgentOps:Git:Provider is github.");
        }
        if (!BaseUrl.IsAbsoluteUri || BaseUrl.Scheme is not ("https" or "http"))
        {
            throw new InvalidOperationException($"AgentOps:GitHub:BaseUrl '{BaseUrl}' must be an absolute http(s) URL.");
        }
        if (Timeout <= TimeSpan.Zero || ReadRetries < 0 || RetryDelay < TimeSpan.Zero)
        {
            throw new InvalidOperationException("AgentOps:GitHub:Timeout must be positive, ReadRetries and RetryDelay not negative.");
        }
    }
}
