namespace AgentOps.Identity;

/// <summary>
/// What a token can be revoked by: its own <c>jti</c> and every earlier hop's (revoking a parent withdraws what was
/// exchanged from it), its subject and every delegator in its chain, and the run it was issued for.
/// </summary>
public sealed record RevocationQuery(IReadOnlyCollection<string> Jtis, IReadOnlyCollection<string> Subjects, string? RunId);
