namespace AgentOps.Tools.Hosting;

/// <summary>Settings every AgentOps tool server shares. Bound from <c>AgentOps:Tool</c>; command-line switches map onto it.</summary>
public sealed class ToolServerOptions
{
    public const string SectionName = "AgentOps:Tool";

    /// <summary>This server's identity: the audience every presented token must name.</summary>
    public string ServerId { get; set; } = string.Empty;

    /// <summary>Path of the issuer's JWKS file (stdio). <value>Required; there is no fallback key.</value></summary>
    public string Jwks { get; set; } = string.Empty;

    /// <summary>The trusted token issuer. <value>Default: <c>spiffe://agentops.local/broker</c>.</value></summary>
    public string Issuer { get; set; } = "spiffe://agentops.local/broker";

    /// <summary>When true, only tools annotated read-only can be called. <value>Default: false.</value></summary>
    public bool ReadOnly { get; set; }
}
