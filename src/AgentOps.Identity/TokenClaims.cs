using AgentOps.Core;

namespace AgentOps.Identity;

/// <summary>The payload claims other than the delegation chain, read and type-checked but not yet judged.</summary>
internal sealed record TokenClaims(
    string Issuer,
    string Subject,
    string Audience,
    DateTimeOffset IssuedAt,
    DateTimeOffset NotBefore,
    DateTimeOffset ExpiresAt,
    string Jti,
    ScopeSet Scope,
    string AgentType,
    string DelegatorSubject,
    string? Purpose,
    string? ContextId,
    DelegationConstraints? Constraints)
{
    public long? MaxDurationSeconds => Constraints?.MaxDurationSeconds;
}
