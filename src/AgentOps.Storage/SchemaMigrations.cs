using Microsoft.Data.Sqlite;

namespace AgentOps.Storage;

/// <summary>
/// Ordered, append-only list of schema changes. Never edit a shipped migration: databases in the field already ran it,
/// so a change needs a new entry.
/// </summary>
internal static class SchemaMigrations
{
    private static readonly string[] s_migrations =
    [
        """
        CREATE TABLE audit_log (
            sequence         INTEGER PRIMARY KEY,
            time             TEXT NOT NULL,
            run_id           TEXT NOT NULL,
            actor            TEXT NOT NULL,
            delegation_chain TEXT NOT NULL,
            action           TEXT NOT NULL,
            argument_digest  TEXT NOT NULL,
            decisions        TEXT NOT NULL,
            outcome          TEXT NOT NULL,
            result_digest    TEXT NULL,
            prev_hash        TEXT NOT NULL,
            hash             TEXT NOT NULL
        );
        CREATE INDEX ix_audit_log_run_id ON audit_log (run_id, sequence);

        CREATE TABLE runs (
            id                TEXT PRIMARY KEY,
            requester         TEXT NOT NULL,
            channel           TEXT NOT NULL,
            goal_text         TEXT NOT NULL,
            status            TEXT NOT NULL,
            skill             TEXT NULL,
            plan_json         TEXT NULL,
            plan_digest       TEXT NULL,
            next_step         INTEGER NOT NULL,
            step_results_json TEXT NOT NULL,
            dedup_key         TEXT NULL,
            pull_request_id   TEXT NULL,
            message           TEXT NULL,
            created_at        TEXT NOT NULL,
            updated_at        TEXT NOT NULL
        );
        CREATE INDEX ix_runs_created_at ON runs (created_at);
        CREATE INDEX ix_runs_dedup_key ON runs (dedup_key, created_at) WHERE dedup_key IS NOT NULL;

        CREATE TABLE pull_requests (
            repository    TEXT NOT NULL,
            number        INTEGER NOT NULL,
            source_branch TEXT NOT NULL,
            target_branch TEXT NOT NULL,
            title         TEXT NOT NULL,
            body          TEXT NOT NULL,
            author        TEXT NOT NULL,
            requester     TEXT NOT NULL,
            state         TEXT NOT NULL,
            run_id        TEXT NULL,
            created_at    TEXT NOT NULL,
            updated_at    TEXT NOT NULL,
            merged_by     TEXT NULL,
            merge_commit  TEXT NULL,
            PRIMARY KEY (repository, number)
        );
        CREATE INDEX ix_pull_requests_created_at ON pull_requests (created_at);
        CREATE INDEX ix_pull_requests_state ON pull_requests (state, created_at);
        CREATE INDEX ix_pull_requests_run_id ON pull_requests (run_id) WHERE run_id IS NOT NULL;

        CREATE TABLE pull_request_approvals (
            repository  TEXT NOT NULL,
            number      INTEGER NOT NULL,
            approver    TEXT NOT NULL,
            approved_at TEXT NOT NULL,
            PRIMARY KEY (repository, number, approver),
            FOREIGN KEY (repository, number) REFERENCES pull_requests (repository, number) ON DELETE CASCADE
        );
        """,
        """
        CREATE TABLE run_approvals (
            run_id      TEXT NOT NULL,
            plan_digest TEXT NOT NULL,
            approver    TEXT NOT NULL,
            approved_at TEXT NOT NULL,
            PRIMARY KEY (run_id, plan_digest, approver)
        );
        """,
        """
        ALTER TABLE pull_request_approvals ADD COLUMN head_sha TEXT NULL;

        CREATE TABLE used_credentials (
            jti        TEXT PRIMARY KEY,
            expires_at TEXT NOT NULL
        );
        CREATE INDEX ix_used_credentials_expires_at ON used_credentials (expires_at);
        """,
        """
        CREATE UNIQUE INDEX ux_runs_live_dedup_key ON runs (dedup_key)
            WHERE dedup_key IS NOT NULL AND status IN ('Planned', 'Running', 'AwaitingApproval', 'AwaitingReview', 'Completed');
        """,
        """
        CREATE TABLE issued_credentials (
            jti          TEXT PRIMARY KEY,
            subject      TEXT NOT NULL,
            delegator    TEXT NOT NULL,
            run_id       TEXT NULL,
            audience     TEXT NOT NULL,
            scope        TEXT NOT NULL,
            issued_at    TEXT NOT NULL,
            expires_at   TEXT NOT NULL,
            parent_jti   TEXT NULL,
            last_used_at TEXT NULL
        );
        CREATE INDEX ix_issued_credentials_subject ON issued_credentials (subject, issued_at);
        CREATE INDEX ix_issued_credentials_run_id ON issued_credentials (run_id) WHERE run_id IS NOT NULL;
        CREATE INDEX ix_issued_credentials_parent_jti ON issued_credentials (parent_jti) WHERE parent_jti IS NOT NULL;

        CREATE TABLE credential_revocations (
            kind       TEXT NOT NULL,
            value      TEXT NOT NULL,
            reason     TEXT NOT NULL,
            revoked_at TEXT NOT NULL,
            PRIMARY KEY (kind, value)
        );
        """,
        """
        ALTER TABLE run_approvals ADD COLUMN break_glass INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE run_approvals ADD COLUMN reason TEXT NULL;
        """,
        """
        CREATE TABLE guardrail_spend (
            key    TEXT NOT NULL,
            at     TEXT NOT NULL,
            amount INTEGER NOT NULL
        );
        CREATE INDEX ix_guardrail_spend_key_at ON guardrail_spend (key, at);
        """,
    ];

    public static int LatestVersion => s_migrations.Length;

    /// <summary>
    /// Runs inside one write transaction so that two processes opening a fresh file at once cannot both apply
    /// migration 1; the second waits, then sees the recorded version and does nothing.
    /// </summary>
    public static async Task ApplyAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        var transaction = connection.BeginImmediateTransaction();
        await using (transaction.ConfigureAwait(false))
        {
            await connection.ExecuteAsync(
                "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP);",
                transaction,
                cancellationToken).ConfigureAwait(false);

            var current = await ReadVersionAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
            if (current > LatestVersion)
            {
                throw new InvalidOperationException(
                    $"The database schema is at version {current}, newer than the {LatestVersion} this build understands; upgrade AgentOps.");
            }

            for (var version = current + 1; version <= LatestVersion; version++)
            {
                await connection.ExecuteAsync(s_migrations[version - 1], transaction, cancellationToken).ConfigureAwait(false);
                using var record = connection.CreateCommand();
                record.Transaction = transaction;
                record.CommandText = "INSERT INTO schema_version (version) VALUES (@version);";
                record.WithParameter("@version", version);
                await record.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public static async Task<long> ReadVersionAsync(SqliteConnection connection, SqliteTransaction? transaction, CancellationToken cancellationToken)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT COALESCE(MAX(version), 0) FROM schema_version;";
        return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }
}
