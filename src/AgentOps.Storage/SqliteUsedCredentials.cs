using Microsoft.Data.Sqlite;

namespace AgentOps.Storage;

/// <summary>
/// Token ids (<c>jti</c>) already presented, shared by every process on the same database file. A tool server
/// restarted between two calls, or a second server started with a stolen token, still sees the first use.
/// </summary>
internal static class SqliteUsedCredentials
{
    /// <summary>Records the id in the caller's write transaction; false when it was recorded before.</summary>
    internal static bool Record(SqliteConnection connection, SqliteTransaction transaction, string jti, DateTimeOffset expiresAt, DateTimeOffset now)
    {
        using (var purge = connection.CreateCommand())
        {
            // Expired ids can never verify again, so they need not be remembered.
            purge.Transaction = transaction;
            purge.CommandText = "DELETE FROM used_credentials WHERE expires_at < @now;";
            purge.WithParameter("@now", StorageTime.Format(now));
            purge.ExecuteNonQuery();
        }
        using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = "INSERT OR IGNORE INTO used_credentials (jti, expires_at) VALUES (@jti, @expires);";
        insert.WithParameter("@jti", jti).WithParameter("@expires", StorageTime.Format(expiresAt));
        return insert.ExecuteNonQuery() == 1;
    }
}
