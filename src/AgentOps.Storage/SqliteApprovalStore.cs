using AgentOps.Core;

namespace AgentOps.Storage;

/// <summary>Run approvals (guardrail layer 3). An approval is keyed by plan digest, so a changed plan is unapproved.</summary>
public sealed class SqliteApprovalStore(SqliteDatabase database) : IApprovalStore
{
    public async Task GrantAsync(RunApproval approval, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(approval);
        var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var command = connection.CreateCommand();
            command.CommandText = """
                INSERT OR IGNORE INTO run_approvals (run_id, plan_digest, approver, approved_at)
                VALUES (@run, @digest, @approver, @at);
                """;
            command.WithParameter("@run", approval.RunId)
                .WithParameter("@digest", approval.PlanDigest)
                .WithParameter("@approver", approval.Approver)
                .WithParameter("@at", StorageTime.Format(approval.ApprovedAt));
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task<RunApproval?> FindAsync(string runId, string planDigest, CancellationToken cancellationToken = default)
    {
        var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var command = connection.CreateCommand();
            command.CommandText = """
                SELECT approver, approved_at FROM run_approvals
                WHERE run_id = @run AND plan_digest = @digest ORDER BY approved_at LIMIT 1;
                """;
            command.WithParameter("@run", runId).WithParameter("@digest", planDigest);
            using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            return await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
                ? new RunApproval(runId, planDigest, reader.GetString(0), StorageTime.Parse(reader.GetString(1)))
                : null;
        }
    }
}
