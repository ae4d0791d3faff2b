using Microsoft.Data.Sqlite;

namespace AgentOps.Storage;

/// <summary>
/// One SQLite file shared by the CLI and the child-process tool servers. Every process opens it independently, so all
/// coordination happens inside SQLite: WAL lets readers run beside one writer, and busy_timeout makes a writer wait for
/// another process's transaction instead of failing at once.
/// </summary>
public sealed class SqliteDatabase
{
    // Pragma arguments cannot be bound as parameters; these are constants, not input. synchronous is per connection
    // and pooled connections keep it, so every open states it rather than inheriting a relaxed one.
    private const string ConnectionPragmas = "PRAGMA busy_timeout = 5000; PRAGMA foreign_keys = ON; PRAGMA synchronous = FULL;";
    private const string RelaxedPragmas = "PRAGMA busy_timeout = 5000; PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;";

    private readonly string _connectionString;

    private SqliteDatabase(string path)
    {
        Path = path;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
        }.ToString();
    }

    /// <summary>Full path of the database file.</summary>
    public string Path { get; }

    /// <summary>Creates the file (and its directory) if needed, switches it to WAL and brings the schema up to date.</summary>
    public static async Task<SqliteDatabase> OpenAsync(string databasePath, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(databasePath);
        var fullPath = System.IO.Path.GetFullPath(databasePath);
        var directory = System.IO.Path.GetDirectoryName(fullPath);
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        var database = new SqliteDatabase(fullPath);
        var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            // WAL is a property of the file, so setting it once here covers every later connection from any process.
            using (var command = connection.CreateCommand())
            {
                command.CommandText = "PRAGMA journal_mode = WAL;";
                var mode = (string?)await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
                if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
                {
                    throw new InvalidOperationException(
                        $"SQLite could not switch '{fullPath}' to WAL journal mode (it reports '{mode}'); is it on a network file system?");
                }
            }

            await SchemaMigrations.ApplyAsync(connection, cancellationToken).ConfigureAwait(false);
        }

        return database;
    }

    /// <summary>
    /// An open connection with busy_timeout and foreign keys on; the caller disposes it. Its commits are durable
    /// (fsync on every commit) unless <paramref name="durability"/> says otherwise.
    /// </summary>
    public SqliteConnection OpenConnection(CommitDurability durability = CommitDurability.Durable)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = durability == CommitDurability.Durable ? ConnectionPragmas : RelaxedPragmas;
            command.ExecuteNonQuery();
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <inheritdoc cref="OpenConnection"/>
    public async Task<SqliteConnection> OpenConnectionAsync(CancellationToken cancellationToken = default)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            // Both pragmas are per connection and this one may be brand new rather than pooled; re-applying is cheap.
            await connection.ExecuteAsync(ConnectionPragmas, transaction: null, cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }
}

/// <summary>How far a commit must reach before it returns.</summary>
public enum CommitDurability
{
    /// <summary>On disk (fsync of the WAL at every commit): survives a power cut. The default for every store.</summary>
    Durable,

    /// <summary>
    /// In the WAL through the operating system's page cache (synchronous=NORMAL): survives a crash of the process but
    /// not of the machine; fsync happens at checkpoints. For short-lived, high-rate records whose loss in a power cut
    /// is bounded by their own lifetime.
    /// </summary>
    ProcessCrashSafe,
}
