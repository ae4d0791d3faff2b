namespace AgentOps.Identity;

public sealed class VerifierOptions
{
    /// <summary>RFC 8725 asks for skew of a few minutes at most; more would stretch every token's life.</summary>
    public static TimeSpan MaxClockSkew { get; } = TimeSpan.FromMinutes(5);

    /// <summary>The one issuer trusted both for the token and for every chain entry.</summary>
    public string Issuer { get; set; } = BrokerOptions.DefaultIssuer;

    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(60);

    public int MaxChainDepth { get; set; } = 5;

    public int MaxTokenBytes { get; set; } = 8192;

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
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(MaxTokenLifetime, TimeSpan.Zero, nameof(MaxTokenLifetime));
    }
}
