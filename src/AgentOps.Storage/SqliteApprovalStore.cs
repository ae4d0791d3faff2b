using AgentOps.Core;

namespace AgentOps.Storage;

/// <summary>
/// Run approvals (guardrail layer 3). An approval is keyed by plan digest, so a changed plan is unapproved; a
/// break-glass approval is kept with its reason beside the ordinary ones.
/// </summary>
public sealed class SqliteApprovalStore(SqliteDatabase database) : IApprovalStore
{
    public async Task GrantAsync(RunApproval approval, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(approval);
        var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var command = connection.CreateCommand();
            // A second approval by the same human renews it (a fresh time, and break-glass if asked for).
            command.CommandText = """
                INSERT INTO run_approvals (run_id, plan_digest, approver, approved_at, break_glass, reason)
                VALUES (@run, @digest, @approver, @at, @breakGlass, @reason)
                ON CONFLICT (run_id, plan_digest, approver) DO UPDATE SET
                    approved_at = excluded.approved_at, break_glass = excluded.break_glass, reason = excluded.reason;
                """;
            command.WithParameter("@run", approval.RunId)
                .WithParameter("@digest", approval.PlanDigest)
                .WithParameter("@approver", approval.Approver)
                .WithParameter("@at", StorageTime.Format(approval.ApprovedAt))
                .WithParameter("@breakGlass", approval.BreakGlass ? 1 : 0)
                .WithParameter("@reason", approval.Reason);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task<RunApproval?> FindAsync(string runId, string planDigest, CancellationToken cancellationToken = default) =>
        (await ListAsync(runId, planDigest, cancellationToken).ConfigureAwait(false)).FirstOrDefault();

    public async Task<IReadOnlyList<RunApproval>> ListAsync(string runId, string planDigest, CancellationToken cancellationToken = default)
    {
        var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var command = connection.CreateCommand();
            command.CommandText = """
                SELECT approver, approved_at, break_glass, reason FROM run_approvals
                WHERE run_id = @run AND plan_digest = @digest ORDER BY approved_at, approver;
                """;
            command.WithParameter("@run", runId).WithParameter("@digest", planDigest);
            using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            var approvals = new List<RunApproval>();
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                approvals.Add(new RunApproval(runId, planDigest, reader.GetString(0), StorageTime.Parse(reader.GetString(1)),
                    reader.GetInt64(2) != 0, reader.GetNullableString(3)));
            }
            return approvals;
        }
    }
}
