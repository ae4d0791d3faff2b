using Microsoft.Data.Sqlite;

namespace AgentOps.Storage;

/// <summary>
/// Token ids (<c>jti</c>) already presented, shared by every process on the same database file. A tool server
/// restarted between two calls, or a second server started with a stolen token, still sees the first use.
/// </summary>
internal static class SqliteUsedCredentials
{
    // Expired ids can never verify again, so they need not be remembered.
    internal const string PurgeSql = "DELETE FROM used_credentials WHERE expires_at < @now;";

    internal const string InsertSql = "INSERT OR IGNORE INTO used_credentials (jti, expires_at) VALUES (@jti, @expires);";

    /// <summary>
    /// Records the id inside the caller's write transaction, through commands for <see cref="PurgeSql"/> and
    /// <see cref="InsertSql"/>; false when it was recorded before.
    /// </summary>
    internal static bool Record(SqliteCommand purge, SqliteCommand insert, string jti, DateTimeOffset expiresAt, DateTimeOffset now)
    {
        purge.Parameters["@now"].Value = StorageTime.Format(now);
        purge.ExecuteNonQuery();
        insert.Parameters["@jti"].Value = jti;
        insert.Parameters["@expires"].Value = StorageTime.Format(expiresAt);
        return insert.ExecuteNonQuery() == 1;
    }
}
