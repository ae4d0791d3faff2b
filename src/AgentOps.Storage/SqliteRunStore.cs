using AgentOps.Core;
using Microsoft.Data.Sqlite;

namespace AgentOps.Storage;

/// <summary>
/// Runs in the <c>runs</c> table. Enums are stored by name and times as UTC ISO-8601 text, so the file stays readable
/// with the sqlite3 shell and survives enum members being reordered.
/// </summary>
public sealed class SqliteRunStore(SqliteDatabase database) : IRunStore
{
    private const string Columns =
        "id, requester, channel, goal_text, status, skill, plan_json, plan_digest, next_step, step_results_json, dedup_key, pull_request_id, message, created_at, updated_at";

    // rowid breaks ties between runs created within the same tick, keeping "newest first" deterministic.
    private const string NewestFirst = "ORDER BY created_at DESC, rowid DESC";

    public async Task CreateAsync(RunRecord run, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(run);
        var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var command = connection.CreateCommand();
            command.CommandText = $"""
                INSERT INTO runs ({Columns})
                VALUES (@id, @requester, @channel, @goal_text, @status, @skill, @plan_json, @plan_digest, @next_step,
                        @step_results_json, @dedup_key, @pull_request_id, @message, @created_at, @updated_at);
                """;
            Bind(command, run);
            try
            {
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (SqliteException ex) when (ex.IsConstraintViolation() && ex.Message.Contains("runs.dedup_key", StringComparison.Ordinal))
            {
                throw new DuplicateRunException(run.DedupKey ?? string.Empty, ex);
            }
            catch (SqliteException ex) when (ex.IsConstraintViolation())
            {
                throw new InvalidOperationException($"A run with id '{run.Id}' already exists.", ex);
            }
        }
    }

    public async Task<bool> TryTransitionAsync(string id, RunStatus from, RunStatus to, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var command = connection.CreateCommand();
            command.CommandText = "UPDATE runs SET status = @to, updated_at = @at WHERE id = @id AND status = @from;";
            command.WithParameter("@id", id)
                .WithParameter("@from", from.ToString())
                .WithParameter("@to", to.ToString())
                .WithParameter("@at", StorageTime.Format(at));
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
        }
    }

    public async Task UpdateAsync(RunRecord run, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(run);
        var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            // Identity, origin and dedup key are fixed at creation; only the progress of the run changes.
            using var command = connection.CreateCommand();
            command.CommandText = """
                UPDATE runs
                SET status = @status, skill = @skill, plan_json = @plan_json, plan_digest = @plan_digest,
                    next_step = @next_step, step_results_json = @step_results_json, pull_request_id = @pull_request_id,
                    message = @message, updated_at = @updated_at
                WHERE id = @id;
                """;
            Bind(command, run);
            if (await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 0)
            {
                throw new KeyNotFoundException($"There is no run with id '{run.Id}'.");
            }
        }
    }

    public async Task<RunRecord?> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        var runs = await QueryAsync($"SELECT {Columns} FROM runs WHERE id = @id;", [("@id", id)], cancellationToken).ConfigureAwait(false);
        return runs.Count == 0 ? null : runs[0];
    }

    public Task<IReadOnlyList<RunRecord>> ListAsync(int limit = 100, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        return QueryAsync($"SELECT {Columns} FROM runs {NewestFirst} LIMIT @limit;", [("@limit", limit)], cancellationToken);
    }

    public async Task<RunRecord?> FindLiveByDedupKeyAsync(string dedupKey, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dedupKey);
        var runs = await QueryAsync(
            $"""
            SELECT {Columns} FROM runs
            WHERE dedup_key = @dedup_key AND status NOT IN (@failed, @rolled_back, @refused, @needs_input)
            {NewestFirst} LIMIT 1;
            """,
            [
                ("@dedup_key", dedupKey),
                ("@failed", nameof(RunStatus.Failed)),
                ("@rolled_back", nameof(RunStatus.RolledBack)),
                ("@refused", nameof(RunStatus.Refused)),
                ("@needs_input", nameof(RunStatus.NeedsInput)),
            ],
            cancellationToken).ConfigureAwait(false);
        return runs.Count == 0 ? null : runs[0];
    }

    private async Task<IReadOnlyList<RunRecord>> QueryAsync(string sql, (string Name, object Value)[] parameters, CancellationToken cancellationToken)
    {
        var runs = new List<RunRecord>();
        var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var command = connection.CreateCommand();
            command.CommandText = sql;
            foreach (var (name, value) in parameters)
            {
                command.WithParameter(name, value);
            }
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    runs.Add(Read(reader));
                }
            }
        }
        return runs;
    }

    private static void Bind(SqliteCommand command, RunRecord run) => command
        .WithParameter("@id", run.Id)
        .WithParameter("@requester", run.Requester)
        .WithParameter("@channel", run.Channel)
        .WithParameter("@goal_text", run.GoalText)
        .WithParameter("@status", run.Status.ToString())
        .WithParameter("@skill", run.Skill)
        .WithParameter("@plan_json", run.PlanJson)
        .WithParameter("@plan_digest", run.PlanDigest)
        .WithParameter("@next_step", run.NextStep)
        .WithParameter("@step_results_json", run.StepResultsJson)
        .WithParameter("@dedup_key", run.DedupKey)
        .WithParameter("@pull_request_id", run.PullRequestId)
        .WithParameter("@message", run.Message)
        .WithParameter("@created_at", StorageTime.Format(run.CreatedAt))
        .WithParameter("@updated_at", StorageTime.Format(run.UpdatedAt));

    private static RunRecord Read(SqliteDataReader reader) => new(
        Id: reader.GetString(0),
        Requester: reader.GetString(1),
        Channel: reader.GetString(2),
        GoalText: reader.GetString(3),
        Status: Enum.Parse<RunStatus>(reader.GetString(4)),
        Skill: reader.GetNullableString(5),
        PlanJson: reader.GetNullableString(6),
        PlanDigest: reader.GetNullableString(7),
        NextStep: reader.GetInt32(8),
        StepResultsJson: reader.GetString(9),
        DedupKey: reader.GetNullableString(10),
        PullRequestId: reader.GetNullableString(11),
        Message: reader.GetNullableString(12),
        CreatedAt: StorageTime.Parse(reader.GetString(13)),
        UpdatedAt: StorageTime.Parse(reader.GetString(14)));
}
