namespace AgentOps.Identity;

public sealed class VerifierOptions
{
    /// <summary>
    /// RFC 8725 asks for skew of a few minutes at most; with five-minute tokens we allow one minute, since more
    /// would stretch every token's life by a fifth.
    /// </summary>
    public static TimeSpan MaxClockSkew { get; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// The issuer whose key set is passed to the single-key-set constructor. A verifier built with several issuers
    /// trusts each for its own keys only, and every chain entry must come from the token's own issuer.
    /// </summary>
    public string Issuer { get; set; } = BrokerOptions.DefaultIssuer;

    /// <summary>Allowance for clocks that disagree, on exp, nbf and iat.</summary>
    /// <value>60 seconds; at most <see cref="MaxClockSkew"/>.</value>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>The longest delegation chain accepted.</summary>
    /// <value>5 hops.</value>
    public int MaxChainDepth { get; set; } = 5;

    /// <summary>Tokens longer than this are refused before anything in them is decoded or parsed.</summary>
    public int MaxTokenBytes { get; set; } = 8192;

    /// <summary>
    /// How many verified tokens to remember so a repeated presentation skips the signature and chain checks
    /// (<see cref="VerifiedTokenCache"/>); 0 turns the cache off.
    /// </summary>
    public int VerifiedCacheCapacity { get; set; } = 1024;

    /// <summary>Refuses tokens whose exp - iat exceeds this, even when correctly signed.</summary>
    public TimeSpan MaxTokenLifetime { get; set; } = BrokerOptions.MaxTokenLifetime;

    internal void Validate()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(Issuer, nameof(Issuer));
        if (ClockSkew < TimeSpan.Zero || ClockSkew > MaxClockSkew)
        {
            throw new ArgumentOutOfRangeException(nameof(ClockSkew), ClockSkew, $"Clock skew must be between 0 and {MaxClockSkew}.");
        }
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxChainDepth, 1, nameof(MaxChainDepth));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxTokenBytes, 256, nameof(MaxTokenBytes));
        ArgumentOutOfRangeException.ThrowIfNegative(VerifiedCacheCapacity, nameof(VerifiedCacheCapacity));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(MaxTokenLifetime, TimeSpan.Zero, nameof(MaxTokenLifetime));
    }
}
