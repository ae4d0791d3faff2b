namespace AgentOps.Identity;

public sealed class BrokerOptions
{
    public const string DefaultIssuer = "spiffe://agentops.local/broker";

    /// <summary>Delegated tokens are bearer credentials; a short cap bounds what a leaked one is worth.</summary>
    public static TimeSpan MaxTokenLifetime { get; } = TimeSpan.FromMinutes(15);

    public string Issuer { get; set; } = DefaultIssuer;

    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromMinutes(5);

    public int MaxChainDepth { get; set; } = 5;

    internal void Validate()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(Issuer, nameof(Issuer));
        if (TokenLifetime < TimeSpan.FromSeconds(1) || TokenLifetime > MaxTokenLifetime)
        {
            throw new ArgumentOutOfRangeException(nameof(TokenLifetime), TokenLifetime, $"Token lifetime must be between 1 s and {MaxTokenLifetime}.");
        }
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxChainDepth, 1, nameof(MaxChainDepth));
    }
}
