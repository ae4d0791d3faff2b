using AgentOps.Core;
using Microsoft.Data.Sqlite;

namespace AgentOps.Storage;

/// <summary>Maps <c>audit_log</c> rows; the ordinals in <see cref="Read"/> follow <see cref="Columns"/>.</summary>
internal static class AuditLogRows
{
    public const string Columns =
        "sequence, time, run_id, actor, delegation_chain, action, argument_digest, decisions, outcome, result_digest, prev_hash, hash";

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

    /// <summary>An INSERT with its parameters declared once, for <see cref="SetValues"/> per record of a batch.</summary>
    public static SqliteCommand CreateInsert(SqliteConnection connection, SqliteTransaction transaction)
    {
        var command = connection.CreateCommand(
            $"""
            INSERT INTO audit_log ({Columns})
            VALUES (@sequence, @time, @run_id, @actor, @delegation_chain, @action, @argument_digest,
                    @decisions, @outcome, @result_digest, @prev_hash, @hash);
            """,
            "@time", "@run_id", "@actor", "@delegation_chain", "@action", "@argument_digest", "@decisions", "@outcome",
            "@result_digest", "@prev_hash", "@hash");
        command.Parameters.Add("@sequence", SqliteType.Integer);
        command.Transaction = transaction;
        return command;
    }

    public static void SetValues(SqliteCommand command, AuditRecord record)
    {
        var parameters = command.Parameters;
        parameters["@sequence"].Value = record.Sequence;
        parameters["@time"].Value = StorageTime.Format(record.Time);
        parameters["@run_id"].Value = record.RunId;
        parameters["@actor"].Value = record.Actor;
        parameters["@delegation_chain"].Value = AuditRecordJson.SerializeDelegationChain(record.DelegationChain);
        parameters["@action"].Value = record.Action;
        parameters["@argument_digest"].Value = record.ArgumentDigest;
        parameters["@decisions"].Value = AuditRecordJson.SerializeDecisions(record.Decisions);
        parameters["@outcome"].Value = record.Outcome;
        parameters["@result_digest"].Value = (object?)record.ResultDigest ?? DBNull.Value;
        parameters["@prev_hash"].Value = record.PrevHash;
        parameters["@hash"].Value = record.Hash;
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
