namespace AgentOps.Orchestration.Tools;

/// <summary>
/// An MCP server we did not write, hosted by the orchestrator under the same guardrails as ours. Bound from
/// <c>AgentOps:ThirdPartyTools:&lt;name&gt;</c>, e.g. for the Go <c>kubernetes-mcp-server</c>:
/// <code>
/// "kubernetes": {
///   "ServerId": "spiffe://agentops.local/tool/third-party/kubernetes",
///   "Command": "/opt/kubernetes-mcp-server/kubernetes-mcp-server-linux-amd64",
///   "Arguments": [ "--read-only", "--disable-destructive", "--list-output", "yaml", "--kubeconfig", "/etc/agentops/reader.kubeconfig" ],
///   "Trust": "unverified-token",
///   "Scopes": { "namespaces_list": "k8s:read:cluster", "pods_list_in_namespace": "k8s:read:ns/{namespace}" }
/// }
/// </code>
/// </summary>
public sealed class ThirdPartyToolServerOptions
{
    /// <summary>The only trust level a third-party server can have today; it must be stated, not assumed.</summary>
    public const string UnverifiedToken = "unverified-token";

    /// <summary>
    /// The audience step tokens for this server are minted for, and that the orchestrator checks them against.
    /// <value>Required. Give it an id of its own: a token for one of our servers must never pass here.</value>
    /// </summary>
    public string ServerId { get; set; } = string.Empty;

    /// <summary>The executable that speaks MCP over stdio. <value>Required.</value></summary>
    public string Command { get; set; } = string.Empty;

    /// <summary><value>Default: none.</value></summary>
    public List<string> Arguments { get; set; } = [];

    /// <summary>
    /// <c>unverified-token</c>: the server cannot verify our token, so it never receives it and the orchestrator checks
    /// it in the server's place. <value>Required, so that nobody hosts a third party without saying so.</value>
    /// </summary>
    public string Trust { get; set; } = string.Empty;

    /// <summary>
    /// Each tool the orchestrator may call and the scope a call needs, e.g. <c>k8s:read:ns/{namespace}</c>. A tool
    /// without an entry is refused: deny by default. <value>Default: empty (every call is refused).</value>
    /// </summary>
    public Dictionary<string, string> Scopes { get; set; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Variables for the process, on top of PATH, HOME and the SDK's other basics; nothing else of the orchestrator's
    /// environment reaches it. <value>Default: none.</value>
    /// </summary>
    public Dictionary<string, string> Environment { get; set; } = new(StringComparer.Ordinal);

    /// <summary>
    /// The protocol version the orchestrator asks for. A fixed, released version makes the handshake one plain
    /// <c>initialize</c>: without one, the client first probes for the newest protocol and falls back on a timeout, and
    /// a slow-starting server can then see both (kubernetes-mcp-server answers the fallback with "duplicate initialize").
    /// <value>Default: <c>2025-06-18</c>.</value>
    /// </summary>
    public string ProtocolVersion { get; set; } = "2025-06-18";

    /// <summary>Where the server's stderr is appended. <value>Default: dropped.</value></summary>
    public string? LogFile { get; set; }

    /// <summary>Checks the options and compiles the scope map.</summary>
    /// <exception cref="InvalidOperationException">A required setting is missing or a scope rule is malformed; the message names it.</exception>
    public IReadOnlyDictionary<string, ScopeTemplate> Validate(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var prefix = $"AgentOps:ThirdPartyTools:{name}";
        if (string.IsNullOrWhiteSpace(ServerId))
        {
            throw new InvalidOperationException($"{prefix}:ServerId is required: step tokens for this server are minted for it.");
        }
        if (string.IsNullOrWhiteSpace(Command))
        {
            throw new InvalidOperationException($"{prefix}:Command is required.");
        }
        if (string.IsNullOrWhiteSpace(ProtocolVersion))
        {
            throw new InvalidOperationException($"{prefix}:ProtocolVersion must name a protocol version, e.g. 2025-06-18.");
        }
        if (Trust != UnverifiedToken)
        {
            throw new InvalidOperationException(
                $"{prefix}:Trust must be '{UnverifiedToken}' (was '{Trust}'): a server we did not write cannot verify our token, so it never receives one.");
        }
        var templates = new Dictionary<string, ScopeTemplate>(StringComparer.Ordinal);
        foreach (var (tool, rule) in Scopes)
        {
            try
            {
                templates[tool] = ScopeTemplate.Parse(rule);
            }
            catch (Exception ex) when (ex is FormatException or ArgumentException)
            {
                throw new InvalidOperationException($"{prefix}:Scopes:{tool}: {ex.Message}", ex);
            }
        }
        return templates;
    }
}
