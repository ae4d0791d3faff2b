using AgentOps.Identity;
using Microsoft.Data.Sqlite;

namespace AgentOps.Storage;

/// <summary>
/// The issued-credential ledger: one row per token the broker minted (goal token or exchange), with the time a verifier
/// last accepted it. It is an inventory for operators (<c>agentops identities</c>), never an input to verification;
/// rows are kept after expiry so that "every scope ever granted" stays answerable.
/// </summary>
public sealed class SqliteCredentialLedger(SqliteDatabase database, TimeProvider timeProvider) : ICredentialLedger
{
    private const string Columns = "jti, subject, delegator, run_id, audience, scope, issued_at, expires_at, parent_jti, last_used_at";

    public void RecordIssued(IssuedCredentialRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentException.ThrowIfNullOrEmpty(record.Jti);
        using var connection = database.OpenConnection();
        using var command = connection.CreateCommand();
        command.CommandText = $"""
            INSERT INTO issued_credentials ({Columns})
            VALUES (@jti, @subject, @delegator, @run, @audience, @scope, @issued, @expires, @parent, NULL);
            """;
        command.WithParameter("@jti", record.Jti)
            .WithParameter("@subject", record.Subject)
            .WithParameter("@delegator", record.Delegator)
            .WithParameter("@run", record.RunId)
            .WithParameter("@audience", record.Audience)
            .WithParameter("@scope", record.Scope)
            .WithParameter("@issued", StorageTime.Format(record.IssuedAt))
            .WithParameter("@expires", StorageTime.Format(record.ExpiresAt))
            .WithParameter("@parent", record.ParentJti);
        command.ExecuteNonQuery();
    }

    public void RecordUse(string jti, DateTimeOffset at)
    {
        ArgumentException.ThrowIfNullOrEmpty(jti);
        // One write per accepted tool call, like the replay cache: a use lost in a power cut only makes "last use" older.
        using var connection = database.OpenConnection(CommitDurability.ProcessCrashSafe);
        using var markUsed = connection.CreateCommand(MarkUsedSql, "@jti", "@at");
        MarkUsed(markUsed, jti, at);
    }

    internal const string MarkUsedSql = """
        UPDATE issued_credentials SET last_used_at = @at
        WHERE jti = @jti AND (last_used_at IS NULL OR last_used_at < @at);
        """;

    /// <summary>Marks the last use through a command for <see cref="MarkUsedSql"/>; ids this ledger never issued are ignored.</summary>
    internal static void MarkUsed(SqliteCommand markUsed, string jti, DateTimeOffset at)
    {
        markUsed.Parameters["@jti"].Value = jti;
        markUsed.Parameters["@at"].Value = StorageTime.Format(at);
        markUsed.ExecuteNonQuery();
    }

    /// <summary>The row for one token, or null when this ledger never recorded it.</summary>
    public CredentialLedgerEntry? Find(string jti)
    {
        ArgumentException.ThrowIfNullOrEmpty(jti);
        using var connection = database.OpenConnection();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM issued_credentials WHERE jti = @jti;";
        command.WithParameter("@jti", jti);
        using var reader = command.ExecuteReader();
        return reader.Read() ? ReadEntry(reader) : null;
    }

    /// <summary>Every token issued to <paramref name="subject"/>, newest first.</summary>
    public IReadOnlyList<CredentialLedgerEntry> ListTokens(string subject)
    {
        ArgumentException.ThrowIfNullOrEmpty(subject);
        using var connection = database.OpenConnection();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM issued_credentials WHERE subject = @subject ORDER BY issued_at DESC, jti;";
        command.WithParameter("@subject", subject);
        using var reader = command.ExecuteReader();
        var entries = new List<CredentialLedgerEntry>();
        while (reader.Read())
        {
            entries.Add(ReadEntry(reader));
        }
        return entries;
    }

    /// <summary>Every agent identity that was ever issued a token, by subject, with its active tokens, last use and scopes.</summary>
    public IReadOnlyList<AgentIdentitySummary> ListIdentities()
    {
        var now = StorageTime.Format(timeProvider.GetUtcNow());
        using var connection = database.OpenConnection();
        var active = ReadActive(connection, now);
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT subject, COUNT(*), MAX(last_used_at), MIN(issued_at), MAX(issued_at), group_concat(scope, ' ')
            FROM issued_credentials GROUP BY subject ORDER BY subject;
            """;
        using var reader = command.ExecuteReader();
        var summaries = new List<AgentIdentitySummary>();
        while (reader.Read())
        {
            var subject = reader.GetString(0);
            var scopes = reader.GetString(5)
                .Split(' ', StringSplitOptions.RemoveEmptyEntries)
                .Distinct(StringComparer.Ordinal)
                .Order(StringComparer.Ordinal)
                .ToArray();
            summaries.Add(new AgentIdentitySummary(
                subject,
                reader.GetInt32(1),
                active.TryGetValue(subject, out var tokens) ? tokens : [],
                reader.GetNullableString(2) is { } lastUse ? StorageTime.Parse(lastUse) : null,
                scopes,
                StorageTime.Parse(reader.GetString(3)),
                StorageTime.Parse(reader.GetString(4))));
        }
        return summaries;
    }

    private static Dictionary<string, List<CredentialLedgerEntry>> ReadActive(SqliteConnection connection, string now)
    {
        using var command = connection.CreateCommand();
        // A revoked token withdraws every token exchanged from it, however many hops down, as the verifier does.
        command.CommandText = $"""
            WITH RECURSIVE revoked_jti(jti) AS (
                SELECT value FROM credential_revocations WHERE kind = 'jti'
                UNION
                SELECT c.jti FROM issued_credentials c JOIN revoked_jti r ON c.parent_jti = r.jti
            )
            SELECT {Columns} FROM issued_credentials c
            WHERE c.expires_at > @now
              AND c.jti NOT IN (SELECT jti FROM revoked_jti)
              AND NOT EXISTS (SELECT 1 FROM credential_revocations v WHERE v.kind = 'agent' AND v.value IN (c.subject, c.delegator))
              AND NOT EXISTS (SELECT 1 FROM credential_revocations v WHERE v.kind = 'run' AND v.value = c.run_id)
            ORDER BY c.subject, c.issued_at DESC, c.jti;
            """;
        command.WithParameter("@now", now);
        using var reader = command.ExecuteReader();
        var active = new Dictionary<string, List<CredentialLedgerEntry>>(StringComparer.Ordinal);
        while (reader.Read())
        {
            var entry = ReadEntry(reader);
            if (!active.TryGetValue(entry.Credential.Subject, out var list))
            {
                active[entry.Credential.Subject] = list = [];
            }
            list.Add(entry);
        }
        return active;
    }

    private static CredentialLedgerEntry ReadEntry(SqliteDataReader reader) => new(
        new IssuedCredentialRecord(
            reader.GetString(0),
            reader.GetString(1),
            reader.GetString(2),
            reader.GetNullableString(3),
            reader.GetString(4),
            reader.GetString(5),
            StorageTime.Parse(reader.GetString(6)),
            StorageTime.Parse(reader.GetString(7)),
            reader.GetNullableString(8)),
        reader.GetNullableString(9) is { } used ? StorageTime.Parse(used) : null);
}
