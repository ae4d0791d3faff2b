using System.Buffers;
using System.Text;
using System.Text.Json;
using AgentOps.Identity;
using Microsoft.Data.Sqlite;

namespace AgentOps.Storage;

/// <summary>
/// Revoked tokens, agents and runs, shared through the database file by the CLI and every tool server, so a
/// revocation is refused at the very next verification in any process. Revocations are never forgotten: an agent
/// revoked stays revoked for tokens minted later too, until an operator decides otherwise.
/// </summary>
public sealed class SqliteRevocations(SqliteDatabase database, TimeProvider timeProvider) : IRevocationList
{
    private const string JtiKind = "jti";
    private const string AgentKind = "agent";
    private const string RunKind = "run";

    /// <summary>Revokes one token and everything exchanged from it; false when it was already revoked.</summary>
    public bool RevokeJti(string jti, string reason) => Revoke(JtiKind, jti, reason);

    /// <summary>Revokes every token whose subject is, or whose chain passes through, <paramref name="subject"/>.</summary>
    public bool RevokeAgent(string subject, string reason) => Revoke(AgentKind, subject, reason);

    /// <summary>Revokes every token issued for the run (its <c>agent_context_id</c>).</summary>
    public bool RevokeRun(string runId, string reason) => Revoke(RunKind, runId, reason);

    public bool IsRevoked(RevocationQuery query) => FindRevocation(query) is not null;

    public Revocation? FindRevocation(RevocationQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        using var connection = database.OpenConnection();
        using var find = connection.CreateCommand(FindSql, "@wanted");
        return Find(find, query);
    }

    // One fixed statement over a JSON list of (kind, value) pairs, each an index lookup, so it can be prepared once. An
    // OR of IN lists took SQLite about a millisecond to plan on every call, even against an empty table.
    internal const string FindSql = """
        SELECT r.kind, r.value, r.reason, r.revoked_at
        FROM json_each(@wanted) AS wanted
        JOIN credential_revocations AS r ON r.kind = wanted.value ->> 0 AND r.value = wanted.value ->> 1
        ORDER BY r.revoked_at
        LIMIT 1;
        """;

    /// <summary>The oldest revocation that applies to <paramref name="query"/>, through a command for <see cref="FindSql"/>.</summary>
    internal static Revocation? Find(SqliteCommand find, RevocationQuery query)
    {
        find.Parameters["@wanted"].Value = WantedJson(query);
        using var reader = find.ExecuteReader();
        return reader.Read() ? Read(reader) : null;
    }

    /// <summary>Every revocation, oldest first.</summary>
    public IReadOnlyList<Revocation> List()
    {
        using var connection = database.OpenConnection();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT kind, value, reason, revoked_at FROM credential_revocations ORDER BY revoked_at, kind, value;";
        using var reader = command.ExecuteReader();
        var revocations = new List<Revocation>();
        while (reader.Read())
        {
            revocations.Add(Read(reader));
        }
        return revocations;
    }

    private bool Revoke(string kind, string value, string reason)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(value);
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        using var connection = database.OpenConnection();
        using var command = connection.CreateCommand();
        command.CommandText = "INSERT OR IGNORE INTO credential_revocations (kind, value, reason, revoked_at) VALUES (@kind, @value, @reason, @at);";
        command.WithParameter("@kind", kind)
            .WithParameter("@value", value)
            .WithParameter("@reason", reason)
            .WithParameter("@at", StorageTime.Format(timeProvider.GetUtcNow()));
        return command.ExecuteNonQuery() == 1;
    }

    private static string WantedJson(RevocationQuery query)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartArray();
            foreach (var jti in query.Jtis)
            {
                WritePair(json, JtiKind, jti);
            }
            foreach (var subject in query.Subjects)
            {
                WritePair(json, AgentKind, subject);
            }
            if (!string.IsNullOrEmpty(query.RunId))
            {
                WritePair(json, RunKind, query.RunId);
            }
            json.WriteEndArray();
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void WritePair(Utf8JsonWriter json, string kind, string value)
    {
        json.WriteStartArray();
        json.WriteStringValue(kind);
        json.WriteStringValue(value);
        json.WriteEndArray();
    }

    private static Revocation Read(SqliteDataReader reader)
    {
        var kind = reader.GetString(0) switch
        {
            JtiKind => RevocationKind.Jti,
            AgentKind => RevocationKind.Agent,
            RunKind => RevocationKind.Run,
            var other => throw new InvalidDataException($"credential_revocations holds an unknown kind '{other}'."),
        };
        return new Revocation(kind, reader.GetString(1), reader.GetString(2), StorageTime.Parse(reader.GetString(3)));
    }
}
