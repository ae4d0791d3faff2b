namespace AgentOps.Identity;

/// <summary>The stable prefixes of <see cref="TokenVerification.Error"/>; callers branch on these, people read the rest.</summary>
public static class TokenErrorCodes
{
    public const string MissingToken = "missing_token";
    public const string Malformed = "malformed";
    public const string InvalidHeader = "invalid_header";
    public const string UnknownKey = "unknown_key";
    public const string InvalidSignature = "invalid_signature";
    public const string WrongIssuer = "wrong_issuer";
    public const string WrongAudience = "wrong_audience";
    public const string Expired = "expired";
    public const string NotYetValid = "not_yet_valid";
    public const string ExcessiveLifetime = "excessive_lifetime";
    public const string InvalidChain = "invalid_chain";
    public const string ConstraintViolated = "constraint_violated";
    public const string InsufficientScope = "insufficient_scope";
    public const string Replayed = "replayed";
}
