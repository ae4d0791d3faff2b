using AgentOps.Core;
using Microsoft.Data.Sqlite;

namespace AgentOps.Storage;

/// <summary>Maps <c>audit_log</c> rows; the ordinals in <see cref="Read"/> follow <see cref="Columns"/>.</summary>
internal static class AuditLogRows
{
    public const string Columns =
        "sequence, time, run_id, actor, delegation_chain, action, argument_digest, decisions, outcome, result_digest, prev_hash, hash";

    /// <summary>
    /// The current row's columns as stored, without decoding them, for <see cref="AuditChainVerifier.TryAccept"/>.
    /// False when a column is not of the type the table declares (text, result_digest text or null); the caller then
    /// takes <see cref="Read"/>, which decides what such a row means.
    /// </summary>
    public static bool TryReadRaw(SqliteDataReader reader, out RawAuditRow row)
    {
        row = default;
        if (reader.Handle is not { IsInvalid: false } statement)
        {
            return false;
        }
        // The reader owns the statement and keeps it until the next Read; the spans are used before then.
        var handle = statement.DangerousGetHandle();
        // sqlite3_column_blob gives a text column's UTF-8 as stored, and converts a number to the text that
        // sqlite3_column_text (GetString) would give. Only an empty result needs the type: NULL reads as empty too.
        var time = Column(handle, 1, out var ok);
        var runId = Column(handle, 2, out var ok2);
        var actor = Column(handle, 3, out var ok3);
        var chain = Column(handle, 4, out var ok4);
        var action = Column(handle, 5, out var ok5);
        var argumentDigest = Column(handle, 6, out var ok6);
        var decisions = Column(handle, 7, out var ok7);
        var outcome = Column(handle, 8, out var ok8);
        var resultDigest = SqliteColumnSpans.Bytes(handle, 9);
        var resultIsNull = resultDigest.IsEmpty && SqliteColumnSpans.IsNull(handle, 9);
        var prevHash = Column(handle, 10, out var ok10);
        var hash = Column(handle, 11, out var ok11);
        if (!(ok && ok2 && ok3 && ok4 && ok5 && ok6 && ok7 && ok8 && ok10 && ok11) || !SqliteColumnSpans.IsInteger(handle, 0))
        {
            return false;
        }
        row = new RawAuditRow
        {
            Sequence = SqliteColumnSpans.Int64(handle, 0),
            Time = time,
            RunId = runId,
            Actor = actor,
            DelegationChain = chain,
            Action = action,
            ArgumentDigest = argumentDigest,
            Decisions = decisions,
            Outcome = outcome,
            ResultDigest = resultDigest,
            ResultDigestIsNull = resultIsNull,
            PrevHash = prevHash,
            Hash = hash,
        };
        return true;
    }

    /// <summary>A NOT NULL text column's bytes; <paramref name="ok"/> is false for NULL, which Read would refuse.</summary>
    private static ReadOnlySpan<byte> Column(IntPtr statement, int ordinal, out bool ok)
    {
        var bytes = SqliteColumnSpans.Bytes(statement, ordinal);
        ok = !bytes.IsEmpty || !SqliteColumnSpans.IsNull(statement, ordinal);
        return bytes;
    }

    public static AuditRecord Read(SqliteDataReader reader) => new(
        Sequence: reader.GetInt64(0),
        Time: StorageTime.Parse(reader.GetString(1)),
        RunId: reader.GetString(2),
        Actor: reader.GetString(3),
        DelegationChain: AuditRecordJson.ParseDelegationChain(reader.GetString(4)),
        Action: reader.GetString(5),
        ArgumentDigest: reader.GetString(6),
        Decisions: AuditRecordJson.ParseDecisions(reader.GetString(7)),
        Outcome: reader.GetString(8),
        ResultDigest: reader.GetNullableString(9),
        PrevHash: reader.GetString(10),
        Hash: reader.GetString(11));

    /// <summary>An INSERT with its parameters declared once, for <see cref="PreparedInsert.SetValues"/> per record of a batch.</summary>
    public static PreparedInsert CreateInsert(SqliteConnection connection, SqliteTransaction transaction)
    {
        var command = connection.CreateCommand();
        command.CommandText = $"""
            INSERT INTO audit_log ({Columns})
            VALUES (@sequence, @time, @run_id, @actor, @delegation_chain, @action, @argument_digest,
                    @decisions, @outcome, @result_digest, @prev_hash, @hash);
            """;
        command.Transaction = transaction;
        string[] names = ["@sequence", "@time", "@run_id", "@actor", "@delegation_chain", "@action", "@argument_digest", "@decisions", "@outcome", "@result_digest", "@prev_hash", "@hash"];
        var parameters = names.Select((name, i) => command.Parameters.Add(name, i == 0 ? SqliteType.Integer : SqliteType.Text)).ToArray();
        return new PreparedInsert(command, parameters);
    }

    /// <summary>The batch INSERT and its parameters in column order, so setting a record's values needs no lookups by name.</summary>
    public sealed class PreparedInsert(SqliteCommand command, SqliteParameter[] parameters) : IDisposable
    {
        public SqliteCommand Command => command;

        public void SetValues(AuditRecord record, string time)
        {
            parameters[0].Value = record.Sequence;
            parameters[1].Value = time;
            parameters[2].Value = record.RunId;
            parameters[3].Value = record.Actor;
            parameters[4].Value = AuditRecordJson.SerializeDelegationChain(record.DelegationChain);
            parameters[5].Value = record.Action;
            parameters[6].Value = record.ArgumentDigest;
            parameters[7].Value = AuditRecordJson.SerializeDecisions(record.Decisions);
            parameters[8].Value = record.Outcome;
            parameters[9].Value = (object?)record.ResultDigest ?? DBNull.Value;
            parameters[10].Value = record.PrevHash;
            parameters[11].Value = record.Hash;
        }

        public void Dispose() => command.Dispose();
    }

    public static void Bind(SqliteCommand command, AuditRecord record) => command
        .WithParameter("@sequence", record.Sequence)
        .WithParameter("@time", StorageTime.Format(record.Time))
        .WithParameter("@run_id", record.RunId)
        .WithParameter("@actor", record.Actor)
        .WithParameter("@delegation_chain", AuditRecordJson.SerializeDelegationChain(record.DelegationChain))
        .WithParameter("@action", record.Action)
        .WithParameter("@argument_digest", record.ArgumentDigest)
        .WithParameter("@decisions", AuditRecordJson.SerializeDecisions(record.Decisions))
        .WithParameter("@outcome", record.Outcome)
        .WithParameter("@result_digest", record.ResultDigest)
        .WithParameter("@prev_hash", record.PrevHash)
        .WithParameter("@hash", record.Hash);
}
