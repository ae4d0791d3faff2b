namespace AgentOps.Identity;

/// <summary>
/// The non-human-identity inventory: the broker records every token it mints, verifiers record when one is accepted.
/// A ledger write never decides whether a token is valid.
/// </summary>
public interface ICredentialLedger
{
    void RecordIssued(IssuedCredentialRecord record);

    /// <summary>Marks the token as used at <paramref name="at"/>; unknown ids (tokens from another broker) are ignored.</summary>
    void RecordUse(string jti, DateTimeOffset at);
}
