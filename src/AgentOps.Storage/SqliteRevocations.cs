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
        using var command = connection.CreateCommand();
        var conditions = new List<string>(3);
        AddIn(command, conditions, JtiKind, "j", query.Jtis);
        AddIn(command, conditions, AgentKind, "a", query.Subjects);
        if (!string.IsNullOrEmpty(query.RunId))
        {
            conditions.Add("(kind = 'run' AND value = @run)");
            command.WithParameter("@run", query.RunId);
        }
        if (conditions.Count == 0)
        {
            return null;
        }
        command.CommandText =
            $"SELECT kind, value, reason, revoked_at FROM credential_revocations WHERE {string.Join(" OR ", conditions)} ORDER BY revoked_at LIMIT 1;";
        using var reader = command.ExecuteReader();
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

    private static void AddIn(SqliteCommand command, List<string> conditions, string kind, string prefix, IReadOnlyCollection<string> values)
    {
        var names = new List<string>(values.Count);
        foreach (var value in values.Distinct(StringComparer.Ordinal))
        {
            var name = $"@{prefix}{names.Count}";
            names.Add(name);
            command.WithParameter(name, value);
        }
        if (names.Count > 0)
        {
            conditions.Add($"(kind = '{kind}' AND value IN ({string.Join(", ", names)}))");
        }
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
