namespace AgentOps.Tools.ArgoCD;

/// <summary>
/// Where the ArgoCD API server is and how this tool server talks to it. Bound from <c>AgentOps:ArgoCD</c>; the token
/// may instead come from <c>ARGOCD_AUTH_TOKEN</c>, the variable the <c>argocd</c> CLI reads.
/// </summary>
internal sealed class ArgoCdOptions
{
    public const string SectionName = "AgentOps:ArgoCD";

    /// <summary>The environment variable read when <see cref="Token"/> is not configured.</summary>
    public const string TokenEnvironmentVariable = "ARGOCD_AUTH_TOKEN";

    /// <summary>
    /// The ArgoCD API server, e.g. <c>https://argocd.example.com</c> or <c>https://example.com/argocd</c> behind a root
    /// path. <value>Required.</value>
    /// </summary>
    public string BaseUrl { get; set; } = string.Empty;

    /// <summary>
    /// The ArgoCD account token sent as <c>Authorization: Bearer</c>. A secret: never logged, never returned.
    /// <value>Required, from configuration or <see cref="TokenEnvironmentVariable"/>.</value>
    /// </summary>
    public string Token { get; set; } = string.Empty;

    /// <summary>
    /// Allows a plain <c>http://</c> base URL that is not loopback, e.g. an in-cluster <c>argocd-server --insecure</c>.
    /// Off by default because the bearer token would cross the network in clear. <value>Default: false.</value>
    /// </summary>
    public bool AllowInsecureHttp { get; set; }

    /// <summary>How long one HTTP attempt may take before it is abandoned. <value>Default: 10 seconds.</value></summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long one call may take, retries included. <value>Default: 30 seconds.</value></summary>
    public TimeSpan TotalTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Retries after a transient failure of a read (GET). Writes are never retried. <value>Default: 2.</value></summary>
    public int MaxRetries { get; set; } = 2;

    /// <summary>The first retry's delay; later ones back off exponentially, with jitter. <value>Default: 500 ms.</value></summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The base URL with a trailing slash, so relative API paths keep any root path it has.</summary>
    public Uri ApiRoot => new(BaseUrl.EndsWith('/') ? BaseUrl : BaseUrl + "/", UriKind.Absolute);

    /// <summary>Every problem with these settings, worded for whoever starts the server. Empty when they are usable.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (!Uri.TryCreate(BaseUrl, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            problems.Add("AgentOps:ArgoCD:BaseUrl (--argocd-url) must be the absolute http(s) URL of the ArgoCD API server.");
        }
        else if (uri.Scheme == "http" && !uri.IsLoopback && !AllowInsecureHttp)
        {
            problems.Add($"AgentOps:ArgoCD:BaseUrl is plain http to {uri.Host}: the ArgoCD token would travel in clear. Use https, or set AgentOps:ArgoCD:AllowInsecureHttp=true.");
        }
        if (string.IsNullOrWhiteSpace(Token))
        {
            problems.Add($"No ArgoCD token: set {TokenEnvironmentVariable} (or AgentOps:ArgoCD:Token).");
        }
        if (AttemptTimeout < TimeSpan.FromMilliseconds(10) || TotalTimeout < AttemptTimeout)
        {
            problems.Add("AgentOps:ArgoCD:AttemptTimeout must be at least 10 ms and no longer than AgentOps:ArgoCD:TotalTimeout.");
        }
        if (MaxRetries is < 0 or > 10)
        {
            problems.Add("AgentOps:ArgoCD:MaxRetries must be between 0 and 10.");
        }
        if (RetryDelay < TimeSpan.Zero)
        {
            problems.Add("AgentOps:ArgoCD:RetryDelay cannot be negative.");
        }
        return problems;
    }
}
