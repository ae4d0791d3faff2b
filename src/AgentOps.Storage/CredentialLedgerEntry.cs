using AgentOps.Identity;

namespace AgentOps.Storage;

/// <summary>One ledger row: a token as issued, and when a verifier last accepted it (null: never used).</summary>
public sealed record CredentialLedgerEntry(IssuedCredentialRecord Credential, DateTimeOffset? LastUsedAt);
