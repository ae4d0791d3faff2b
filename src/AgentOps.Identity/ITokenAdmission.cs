namespace AgentOps.Identity;

/// <summary>
/// The per-call state checks on a verified token as one step, for stores where each check is a round trip: a
/// revocation refuses the token; otherwise its <c>jti</c> is recorded (a second use is a replay) and its last use is
/// marked. The same rules in the same order as <see cref="IRevocationList"/>, then <see cref="IReplayCache"/>, then
/// <see cref="ICredentialLedger.RecordUse"/>, but all or nothing: a token refused, or a store that fails part-way,
/// leaves its <c>jti</c> unused.
/// </summary>
public interface ITokenAdmission
{
    /// <param name="query">What the token can be revoked by.</param>
    /// <param name="rememberUntil">How long the <c>jti</c> must be remembered: until the token can no longer verify.</param>
    /// <param name="now">The time of this use, for the ledger.</param>
    TokenAdmission Admit(RevocationQuery query, string jti, DateTimeOffset rememberUntil, DateTimeOffset now);
}

/// <summary>The outcome of <see cref="ITokenAdmission.Admit"/>; the default value admits the token.</summary>
/// <param name="Revocation">The revocation that refuses the token, or null.</param>
/// <param name="Replayed">True when the <c>jti</c> had already been used.</param>
public readonly record struct TokenAdmission(Revocation? Revocation, bool Replayed)
{
    public static TokenAdmission Admitted => default;

    public static TokenAdmission RefusedAsReplay => new(null, Replayed: true);

    public bool IsAdmitted => Revocation is null && !Replayed;
}
