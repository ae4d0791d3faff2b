using Microsoft.Data.Sqlite;

namespace AgentOps.Storage.Tests;

/// <summary>A fresh directory per test so every test works on its own real SQLite file.</summary>
internal sealed class TestDirectory : IDisposable
{
    public TestDirectory()
    {
        Root = Path.Combine(Path.GetTempPath(), "agentops-storage-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Root);
    }

    public string Root { get; }

    public string DatabasePath => Path.Combine(Root, "agentops.db");

    /// <summary>
    /// Runs SQL on a connection of its own, outside the classes under test, the way someone editing the file with
    /// the sqlite3 shell would.
    /// </summary>
    public async Task ExecuteRawAsync(string sql)
    {
        var connectionString = new SqliteConnectionStringBuilder { DataSource = DatabasePath, Pooling = false }.ToString();
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    public async Task<object?> QueryScalarAsync(string sql)
    {
        var connectionString = new SqliteConnectionStringBuilder { DataSource = DatabasePath, Pooling = false }.ToString();
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync();
    }

    public void Dispose()
    {
        // Pooled connections keep the file (and its -wal/-shm companions) open, which would block deletion on Windows.
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp directory must not fail the test that already passed.
        }
    }
}
