using AgentOps.Core;

namespace AgentOps.Identity;

/// <summary>A token the broker minted, with the facts it carries so the caller need not decode it.</summary>
public sealed record DelegatedCredential(
    string Token,
    string Subject,
    string Audience,
    ScopeSet Scope,
    IReadOnlyList<DelegationLink> Chain,
    DateTimeOffset ExpiresAt,
    string Jti);
