namespace AgentOps.Storage;

/// <summary>
/// One agent identity as the ledger knows it: <paramref name="ActiveTokens"/> are unexpired and not revoked (by id,
/// by a revoked parent, by agent or by run); <paramref name="ScopesEverGranted"/> is every scope any of its tokens
/// carried, sorted; <paramref name="LastUsedAt"/> is the latest accepted use of any of its tokens.
/// </summary>
public sealed record AgentIdentitySummary(
    string Subject,
    int TokensIssued,
    IReadOnlyList<CredentialLedgerEntry> ActiveTokens,
    DateTimeOffset? LastUsedAt,
    IReadOnlyList<string> ScopesEverGranted,
    DateTimeOffset FirstIssuedAt,
    DateTimeOffset LastIssuedAt);
