namespace AgentOps.Storage;

/// <summary>
/// Token ids (<c>jti</c>) already presented, shared by every process on the same database file. A tool server
/// restarted between two calls, or a second server started with a stolen token, still sees the first use.
/// </summary>
public sealed class SqliteUsedCredentials(SqliteDatabase database, TimeProvider timeProvider)
{
    /// <summary>Records the id; false when it was recorded before (a replay).</summary>
    public bool TryRecord(string jti, DateTimeOffset expiresAt)
    {
        ArgumentException.ThrowIfNullOrEmpty(jti);
        // Every tool call records one id, and an fsync per call was most of a warm call's latency. An id lost in a power
        // cut could be replayed only until its token expires (five minutes by default), and only if the token was
        // also stolen; a crash of the server process itself loses nothing.
        using var connection = database.OpenConnection(CommitDurability.ProcessCrashSafe);
        using var transaction = connection.BeginImmediateTransaction();
        using (var purge = connection.CreateCommand())
        {
            // Expired ids can never verify again, so they need not be remembered.
            purge.Transaction = transaction;
            purge.CommandText = "DELETE FROM used_credentials WHERE expires_at < @now;";
            purge.WithParameter("@now", StorageTime.Format(timeProvider.GetUtcNow()));
            purge.ExecuteNonQuery();
        }
        using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = "INSERT OR IGNORE INTO used_credentials (jti, expires_at) VALUES (@jti, @expires);";
        insert.WithParameter("@jti", jti).WithParameter("@expires", StorageTime.Format(expiresAt));
        var recorded = insert.ExecuteNonQuery() == 1;
        transaction.Commit();
        return recorded;
    }
}
