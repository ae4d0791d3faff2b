namespace AgentOps.Identity;

/// <summary>
/// One token as the broker minted it. <paramref name="RunId"/> is the goal or run it serves (OIDC-A
/// <c>agent_context_id</c>); <paramref name="ParentJti"/> is the subject token it was exchanged from, null for a goal token.
/// </summary>
public sealed record IssuedCredentialRecord(
    string Jti,
    string Subject,
    string Delegator,
    string? RunId,
    string Audience,
    string Scope,
    DateTimeOffset IssuedAt,
    DateTimeOffset ExpiresAt,
    string? ParentJti);
