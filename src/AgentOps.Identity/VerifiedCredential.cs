using AgentOps.Core;

namespace AgentOps.Identity;

/// <summary>What a verified delegated token establishes. <paramref name="DelegatorSubject"/> is the most recent delegator.</summary>
public sealed record VerifiedCredential(
    string Subject,
    string Issuer,
    string Audience,
    ScopeSet Scope,
    IReadOnlyList<DelegationLink> Chain,
    string DelegatorSubject,
    string Jti,
    DateTimeOffset ExpiresAt,
    string AgentType,
    string? Purpose)
{
    /// <summary>Who started the delegation, normally the human who authorised the goal.</summary>
    public string OriginalRequester => Chain.Count > 0 ? Chain[0].Subject : DelegatorSubject;

    /// <summary>OIDC-A <c>agent_context_id</c>: the goal the token was issued for, when known.</summary>
    public string? ContextId { get; init; }
}
