using AgentOps.Identity;

namespace AgentOps.Storage;

/// <summary>
/// Admits a verified token against the shared database in one write transaction: the revocation lookup, the
/// single-use record of its <c>jti</c> and the ledger's last use. A tool server does this on every call, and three
/// separate connections and commits cost more than the rest of the credential check.
/// </summary>
public sealed class SqliteTokenAdmission(SqliteDatabase database) : ITokenAdmission
{
    public TokenAdmission Admit(RevocationQuery query, string jti, DateTimeOffset rememberUntil, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentException.ThrowIfNullOrEmpty(jti);
        // Process-crash safe, as for SqliteUsedCredentials: an fsync per call was most of a warm call's latency.
        using var connection = database.OpenConnection(CommitDurability.ProcessCrashSafe);
        // Immediate, so a revocation committed by another process lands either before this read or after this use.
        using var transaction = connection.BeginImmediateTransaction();
        if (SqliteRevocations.Find(connection, transaction, query) is { } revocation)
        {
            return new TokenAdmission(revocation, Replayed: false);
        }
        if (!SqliteUsedCredentials.Record(connection, transaction, jti, rememberUntil, now))
        {
            return TokenAdmission.RefusedAsReplay;
        }
        SqliteCredentialLedger.MarkUsed(connection, transaction, jti, now);
        transaction.Commit();
        return TokenAdmission.Admitted;
    }
}
