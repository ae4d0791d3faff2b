namespace AgentOps.Identity;

/// <summary>
/// Credentials withdrawn before they expire. Verifiers consult it on every call, after the signature and chain checks,
/// so a revocation is honoured at the next call in every process that shares the list.
/// </summary>
public interface IRevocationList
{
    /// <summary>The revocation that applies to a token with these ids, subjects and run, or null when none does.</summary>
    Revocation? FindRevocation(RevocationQuery query);
}
