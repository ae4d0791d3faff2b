namespace AgentOps.Identity;

public sealed class BrokerOptions
{
    public const string DefaultIssuer = "spiffe://agentops.local/broker";

    /// <summary>Delegated tokens are bearer credentials; a short cap bounds what a leaked one is worth.</summary>
    public static TimeSpan MaxTokenLifetime { get; } = TimeSpan.FromMinutes(15);

    public string Issuer { get; set; } = DefaultIssuer;

    /// <summary>How long a minted token lives, unless the agent's own maximum or the subject token's expiry is sooner.</summary>
    /// <value>5 minutes; at most <see cref="MaxTokenLifetime"/>.</value>
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>A shorter maximum lifetime for particular agents, by SPIFFE ID (e.g. an agent that acts on production).</summary>
    public IDictionary<string, TimeSpan> MaxLifetimeByAgent { get; } = new Dictionary<string, TimeSpan>(StringComparer.Ordinal);

    public int MaxChainDepth { get; set; } = 5;

    internal void Validate()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(Issuer, nameof(Issuer));
        if (TokenLifetime < TimeSpan.FromSeconds(1) || TokenLifetime > MaxTokenLifetime)
        {
            throw new ArgumentOutOfRangeException(nameof(TokenLifetime), TokenLifetime, $"Token lifetime must be between 1 s and {MaxTokenLifetime}.");
        }
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxChainDepth, 1, nameof(MaxChainDepth));
        foreach (var (agent, lifetime) in MaxLifetimeByAgent)
        {
            if (lifetime < TimeSpan.FromSeconds(1) || lifetime > MaxTokenLifetime)
            {
                throw new ArgumentOutOfRangeException(nameof(MaxLifetimeByAgent), lifetime, $"The maximum token lifetime of {agent} must be between 1 s and {MaxTokenLifetime}.");
            }
        }
    }
}
