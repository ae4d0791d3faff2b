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
