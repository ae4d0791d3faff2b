namespace AgentOps.Storage.Tests;

public sealed class SqliteDatabaseTests : IDisposable
{
    private readonly TestDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task OpenAsync_MissingDirectory_CreatesFileInWalMode()
    {
        var path = Path.Combine(_directory.Root, "nested", "deeper", "agentops.db");

        var sut = await SqliteDatabase.OpenAsync(path);

        Assert.True(File.Exists(path));
        Assert.Equal(Path.GetFullPath(path), sut.Path);
        await using var connection = sut.OpenConnection();
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode;";
        Assert.Equal("wal", await command.ExecuteScalarAsync());
    }

    [Fact]
    public async Task OpenConnection_NewConnection_HasBusyTimeoutAndForeignKeys()
    {
        var sut = await SqliteDatabase.OpenAsync(_directory.DatabasePath);

        await using var connection = sut.OpenConnection();
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA busy_timeout;";
        var busyTimeout = await command.ExecuteScalarAsync();
        command.CommandText = "PRAGMA foreign_keys;";
        var foreignKeys = await command.ExecuteScalarAsync();

        Assert.Equal(System.Data.ConnectionState.Open, connection.State);
        Assert.Equal(5000L, busyTimeout);
        Assert.Equal(1L, foreignKeys);
    }

    [Fact]
    public async Task OpenConnection_AfterARelaxedConnectionWasPooled_IsDurableAgain()
    {
        var sut = await SqliteDatabase.OpenAsync(_directory.DatabasePath);

        long relaxed;
        await using (var connection = sut.OpenConnection(CommitDurability.ProcessCrashSafe))
        {
            relaxed = await SynchronousAsync(connection);
        }
        // The pool hands the same physical connection back; it must not keep the relaxed setting.
        await using var next = sut.OpenConnection();

        Assert.Equal(1L, relaxed); // NORMAL
        Assert.Equal(2L, await SynchronousAsync(next)); // FULL
    }

    private static async Task<long> SynchronousAsync(Microsoft.Data.Sqlite.SqliteConnection connection)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA synchronous;";
        return (long)(await command.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task OpenAsync_FreshFile_CreatesAllTables()
    {
        await SqliteDatabase.OpenAsync(_directory.DatabasePath);

        var tables = (string?)await _directory.QueryScalarAsync(
            "SELECT group_concat(name, ',') FROM (SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name);");

        Assert.Equal("audit_log,credential_revocations,guardrail_spend,issued_credentials,pull_request_approvals,pull_requests,run_approvals,runs,schema_version,used_credentials", tables);
    }

    [Fact]
    public async Task OpenAsync_SameFileTwice_AppliesMigrationOnce()
    {
        await SqliteDatabase.OpenAsync(_directory.DatabasePath);

        await SqliteDatabase.OpenAsync(_directory.DatabasePath);

        Assert.Equal(7L, await _directory.QueryScalarAsync("SELECT COUNT(*) FROM schema_version;"));
        Assert.Equal(7L, await _directory.QueryScalarAsync("SELECT MAX(version) FROM schema_version;"));
    }

    [Fact]
    public async Task OpenAsync_ConcurrentOpensOfFreshFile_AllSucceedWithOneMigration()
    {
        var opens = Enumerable.Range(0, 4).Select(_ => Task.Run(() => SqliteDatabase.OpenAsync(_directory.DatabasePath)));

        var databases = await Task.WhenAll(opens);

        Assert.All(databases, database => Assert.Equal(Path.GetFullPath(_directory.DatabasePath), database.Path));
        Assert.Equal(7L, await _directory.QueryScalarAsync("SELECT COUNT(*) FROM schema_version;"));
    }

    [Fact]
    public async Task OpenAsync_SchemaNewerThanBuild_Throws()
    {
        await SqliteDatabase.OpenAsync(_directory.DatabasePath);
        await _directory.ExecuteRawAsync("INSERT INTO schema_version (version) VALUES (99);");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => SqliteDatabase.OpenAsync(_directory.DatabasePath));

        Assert.Contains("99", error.Message, StringComparison.Ordinal);
    }
}
