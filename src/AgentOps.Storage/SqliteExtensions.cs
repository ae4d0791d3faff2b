using Microsoft.Data.Sqlite;

namespace AgentOps.Storage;

internal static class SqliteExtensions
{
    /// <summary>Adds a parameter; Microsoft.Data.Sqlite rejects a CLR null at execution time, so null becomes DBNull.</summary>
    public static SqliteCommand WithParameter(this SqliteCommand command, string name, object? value)
    {
        command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        return command;
    }

    /// <summary>A command for <paramref name="sql"/> with its text parameters declared, to be given values per use.</summary>
    public static SqliteCommand CreateCommand(this SqliteConnection connection, string sql, params ReadOnlySpan<string> parameterNames)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var name in parameterNames)
        {
            command.Parameters.Add(name, SqliteType.Text);
        }
        return command;
    }

    public static string? GetNullableString(this SqliteDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    public static async Task<int> ExecuteAsync(this SqliteConnection connection, string sql, SqliteTransaction? transaction, CancellationToken cancellationToken)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Starts a write transaction straight away (BEGIN IMMEDIATE) rather than on the first write, so that two
    /// processes doing read-then-write never both read the same state; the loser waits on busy_timeout instead.
    /// </summary>
    public static SqliteTransaction BeginImmediateTransaction(this SqliteConnection connection) =>
        connection.BeginTransaction(deferred: false);

    /// <summary>True for SQLITE_CONSTRAINT (19): a primary key, unique or foreign key violation.</summary>
    public static bool IsConstraintViolation(this SqliteException exception) => exception.SqliteErrorCode == 19;
}
