using AgentOps.Core;

namespace AgentOps.Identity;

/// <summary>
/// One OIDC-A <c>delegation_chain</c> entry: <paramref name="Subject"/> (the delegator) handed
/// <paramref name="Scope"/> to <paramref name="Audience"/> (the delegatee), as recorded by <paramref name="Issuer"/>.
/// <paramref name="Jti"/> is the id of the token minted at this hop; the broker roots every later hop's id in the first
/// hop's (<c>&lt;root&gt;.&lt;hop&gt;</c>), which is how a verifier spots a hop spliced in from another chain.
/// </summary>
public sealed record DelegationLink(
    string Issuer,
    string Subject,
    string Audience,
    DateTimeOffset DelegatedAt,
    ScopeSet Scope,
    string? Purpose = null,
    string? Jti = null,
    DelegationConstraints? Constraints = null);
