using AgentOps.Core;
using Microsoft.Data.Sqlite;

namespace AgentOps.Storage;

/// <summary>Pull-request metadata of the local forge in <c>pull_requests</c> and <c>pull_request_approvals</c>.</summary>
public sealed class SqlitePullRequestStore(SqliteDatabase database) : IPullRequestStore
{
    private const string Columns =
        "repository, number, source_branch, target_branch, title, body, author, requester, state, run_id, created_at, updated_at, merged_by, merge_commit";

    public async Task<PullRequestRecord> CreateAsync(PullRequestRecord draft, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(draft);
        var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            // Numbering is read-then-insert; taking the write lock first stops two processes from both picking n+1.
            var transaction = connection.BeginImmediateTransaction();
            await using (transaction.ConfigureAwait(false))
            {
                using var next = connection.CreateCommand();
                next.Transaction = transaction;
                next.CommandText = "SELECT COALESCE(MAX(number), 0) + 1 FROM pull_requests WHERE repository = @repository;";
                next.WithParameter("@repository", draft.Repository);
                var number = (long)(await next.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;

                var record = draft with { Number = number };
                using var insert = connection.CreateCommand();
                insert.Transaction = transaction;
                insert.CommandText = $"""
                    INSERT INTO pull_requests ({Columns})
                    VALUES (@repository, @number, @source_branch, @target_branch, @title, @body, @author, @requester,
                            @state, @run_id, @created_at, @updated_at, @merged_by, @merge_commit);
                    """;
                Bind(insert, record);
                await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                return record;
            }
        }
    }

    public async Task<PullRequestRecord?> GetAsync(string repository, long number, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(repository);
        var records = await QueryAsync(
            $"SELECT {Columns} FROM pull_requests WHERE repository = @repository AND number = @number;",
            command => command.WithParameter("@repository", repository).WithParameter("@number", number),
            cancellationToken).ConfigureAwait(false);
        return records.Count == 0 ? null : records[0];
    }

    public Task<IReadOnlyList<PullRequestRecord>> ListAsync(string? repository = null, PullRequestState? state = null, CancellationToken cancellationToken = default) =>
        QueryAsync(
            $"""
            SELECT {Columns} FROM pull_requests
            WHERE (@repository IS NULL OR repository = @repository) AND (@state IS NULL OR state = @state)
            ORDER BY created_at DESC, rowid DESC;
            """,
            command => command.WithParameter("@repository", repository).WithParameter("@state", state?.ToString()),
            cancellationToken);

    public async Task UpdateAsync(PullRequestRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            // Who opened it, for whom and when are history; everything else may change during review and merge.
            using var command = connection.CreateCommand();
            command.CommandText = """
                UPDATE pull_requests
                SET source_branch = @source_branch, target_branch = @target_branch, title = @title, body = @body,
                    state = @state, run_id = @run_id, updated_at = @updated_at, merged_by = @merged_by,
                    merge_commit = @merge_commit
                WHERE repository = @repository AND number = @number;
                """;
            Bind(command, record);
            if (await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 0)
            {
                throw new KeyNotFoundException($"There is no pull request {record.Repository}#{record.Number}.");
            }
        }
    }

    /// <summary>Approving twice keeps the first approval and its time.</summary>
    public async Task AddApprovalAsync(string repository, PullRequestApproval approval, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(repository);
        ArgumentNullException.ThrowIfNull(approval);
        var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var command = connection.CreateCommand();
            command.CommandText = """
                INSERT INTO pull_request_approvals (repository, number, approver, approved_at, head_sha)
                VALUES (@repository, @number, @approver, @approved_at, @head_sha)
                ON CONFLICT (repository, number, approver) DO UPDATE
                    SET head_sha = excluded.head_sha, approved_at = excluded.approved_at
                    WHERE pull_request_approvals.head_sha IS NOT excluded.head_sha;
                """;
            command.WithParameter("@repository", repository)
                .WithParameter("@number", approval.Number)
                .WithParameter("@approver", approval.Approver)
                .WithParameter("@approved_at", StorageTime.Format(approval.ApprovedAt))
                .WithParameter("@head_sha", approval.HeadSha);
            try
            {
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (SqliteException ex) when (ex.IsConstraintViolation())
            {
                // ON CONFLICT only absorbs the duplicate; what is left is the foreign key to a missing pull request.
                throw new KeyNotFoundException($"There is no pull request {repository}#{approval.Number} to approve.", ex);
            }
        }
    }

    public async Task<IReadOnlyList<PullRequestApproval>> ListApprovalsAsync(string repository, long number, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(repository);
        var approvals = new List<PullRequestApproval>();
        var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var command = connection.CreateCommand();
            command.CommandText = """
                SELECT number, approver, approved_at, head_sha FROM pull_request_approvals
                WHERE repository = @repository AND number = @number
                ORDER BY approved_at, rowid;
                """;
            command.WithParameter("@repository", repository).WithParameter("@number", number);
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    approvals.Add(new PullRequestApproval(reader.GetInt64(0), reader.GetString(1), StorageTime.Parse(reader.GetString(2)), reader.GetNullableString(3)));
                }
            }
        }
        return approvals;
    }

    private async Task<IReadOnlyList<PullRequestRecord>> QueryAsync(string sql, Action<SqliteCommand> bind, CancellationToken cancellationToken)
    {
        var records = new List<PullRequestRecord>();
        var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var command = connection.CreateCommand();
            command.CommandText = sql;
            bind(command);
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    records.Add(Read(reader));
                }
            }
        }
        return records;
    }

    private static void Bind(SqliteCommand command, PullRequestRecord record) => command
        .WithParameter("@repository", record.Repository)
        .WithParameter("@number", record.Number)
        .WithParameter("@source_branch", record.SourceBranch)
        .WithParameter("@target_branch", record.TargetBranch)
        .WithParameter("@title", record.Title)
        .WithParameter("@body", record.Body)
        .WithParameter("@author", record.Author)
        .WithParameter("@requester", record.Requester)
        .WithParameter("@state", record.State.ToString())
        .WithParameter("@run_id", record.RunId)
        .WithParameter("@created_at", StorageTime.Format(record.CreatedAt))
        .WithParameter("@updated_at", StorageTime.Format(record.UpdatedAt))
        .WithParameter("@merged_by", record.MergedBy)
        .WithParameter("@merge_commit", record.MergeCommit);

    private static PullRequestRecord Read(SqliteDataReader reader) => new(
        Number: reader.GetInt64(1),
        Repository: reader.GetString(0),
        SourceBranch: reader.GetString(2),
        TargetBranch: reader.GetString(3),
        Title: reader.GetString(4),
        Body: reader.GetString(5),
        Author: reader.GetString(6),
        Requester: reader.GetString(7),
        State: Enum.Parse<PullRequestState>(reader.GetString(8)),
        RunId: reader.GetNullableString(9),
        CreatedAt: StorageTime.Parse(reader.GetString(10)),
        UpdatedAt: StorageTime.Parse(reader.GetString(11)),
        MergedBy: reader.GetNullableString(12),
        MergeCommit: reader.GetNullableString(13));
}
