namespace AgentOps.Identity;

/// <summary>One revocation: every token matching <paramref name="Kind"/> and <paramref name="Value"/> is refused.</summary>
public sealed record Revocation(RevocationKind Kind, string Value, string Reason, DateTimeOffset RevokedAt)
{
    /// <summary>Words for an operator, naming what was revoked and why; never the token itself.</summary>
    public string Describe() => Kind switch
    {
        RevocationKind.Jti => $"token {Value} was revoked at {RevokedAt:O}: {Reason}",
        RevocationKind.Agent => $"agent {Value} was revoked at {RevokedAt:O}: {Reason}",
        RevocationKind.Run => $"run {Value} was revoked at {RevokedAt:O}: {Reason}",
        _ => $"revoked at {RevokedAt:O}: {Reason}",
    };
}

/// <summary>What a revocation names.</summary>
public enum RevocationKind
{
    /// <summary>One token, and every token exchanged from it.</summary>
    Jti,

    /// <summary>Every token held by, or delegated through, one agent identity.</summary>
    Agent,

    /// <summary>Every token issued for one run (the OIDC-A <c>agent_context_id</c>).</summary>
    Run,
}
