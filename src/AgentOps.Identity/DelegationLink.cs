using AgentOps.Core;

namespace AgentOps.Identity;

/// <summary>
/// One OIDC-A <c>delegation_chain</c> entry: <paramref name="Subject"/> (the delegator) handed
/// <paramref name="Scope"/> to <paramref name="Audience"/> (the delegatee), as recorded by <paramref name="Issuer"/>.
/// </summary>
public sealed record DelegationLink(
    string Issuer,
    string Subject,
    string Audience,
    DateTimeOffset DelegatedAt,
    ScopeSet Scope,
    string? Purpose = null,
    string? Jti = null);
