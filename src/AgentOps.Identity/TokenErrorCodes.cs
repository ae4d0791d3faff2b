namespace AgentOps.Identity;

/// <summary>
/// The stable prefixes of <see cref="TokenVerification.Error"/>; callers branch on these, people read the rest. Every
/// attack class of RFC 8725 and every delegation-chain rule has a code of its own, so a refusal says which rule fired.
/// </summary>
public static class TokenErrorCodes
{
    public const string MissingToken = "missing_token";
    public const string Malformed = "malformed";
    public const string TokenTooLarge = "token_too_large";
    public const string InvalidBase64Url = "invalid_base64url";
    public const string InvalidUtf8 = "invalid_utf8";
    public const string NestingTooDeep = "nesting_too_deep";
    public const string DuplicateKey = "duplicate_key";

    // Rule 1: signature and allowed algorithm.
    public const string InvalidHeader = "invalid_header";
    public const string UnsignedToken = "unsigned_token";
    public const string SymmetricAlgorithm = "symmetric_algorithm";
    public const string UnsupportedAlgorithm = "unsupported_algorithm";
    public const string EmbeddedKey = "embedded_key";
    public const string RemoteKeyReference = "remote_key_reference";
    public const string UnsupportedCriticalHeader = "unsupported_critical_header";
    public const string UnknownKey = "unknown_key";
    public const string MissingSignature = "missing_signature";
    public const string ZeroSignature = "zero_signature";
    public const string InvalidSignature = "invalid_signature";

    // Rule 2: typ, iss, aud and time.
    public const string WrongTokenType = "wrong_token_type";
    public const string MissingClaim = "missing_claim";
    public const string WrongIssuer = "wrong_issuer";
    public const string IssuerKeyMismatch = "issuer_key_mismatch";
    public const string InvalidSubject = "invalid_subject";
    public const string ForeignTrustDomain = "foreign_trust_domain";
    public const string WrongAudience = "wrong_audience";
    public const string MultipleAudiences = "multiple_audiences";
    public const string Expired = "expired";
    public const string NotYetValid = "not_yet_valid";
    public const string IssuedInFuture = "issued_in_future";
    public const string ExcessiveLifetime = "excessive_lifetime";

    // Rules 3 to 7: the delegation chain.
    public const string InvalidChain = "invalid_chain";
    public const string ChainOutOfOrder = "chain_out_of_order";
    public const string ChainBroken = "chain_broken";
    public const string ChainSpliced = "chain_spliced";
    public const string ChainCycle = "chain_cycle";
    public const string ScopeWidened = "scope_widened";
    public const string ConstraintsRelaxed = "constraints_relaxed";
    public const string ConstraintViolated = "constraint_violated";
    public const string ChainTooDeep = "chain_too_deep";

    // After the chain: what this call needs, withdrawal, and rule 8, single use.
    public const string InsufficientScope = "insufficient_scope";
    public const string Revoked = "revoked";
    public const string Replayed = "replayed";
}
