using System.Runtime.CompilerServices;
using System.Text.Json;
using AgentOps.Core;
using Microsoft.Data.Sqlite;

namespace AgentOps.Storage;

/// <summary>
/// Hash-chained audit log in the <c>audit_log</c> table. Each field has its own column, so a tamperer must edit
/// real data rather than an opaque blob, and any edit, deletion or reordering in the middle shows up in
/// <see cref="VerifyAsync(CancellationToken)"/>. Someone with write access can still rebuild the whole chain or cut
/// its tail; <see cref="AuditCheckpoint"/> kept elsewhere closes that gap, and signed checkpoints over an RFC 6962
/// Merkle root (see <see cref="SignCheckpointsAsync"/>) make the log's contents provable to someone who trusts only the key.
/// </summary>
/// <param name="checkpointing">When given, a signed checkpoint is made every time the log reaches a multiple of its interval.</param>
public sealed partial class SqliteAuditLog(SqliteDatabase database, TimeProvider timeProvider, AuditCheckpointing? checkpointing = null) : IAuditLog
{
    /// <remarks>
    /// Human and agent events share this one chain. An entry without a delegation chain was done by its actor
    /// directly (a person approving a pull request, the orchestrator itself), so its chain is recorded as that actor
    /// alone: every record names who it traces back to. With checkpointing configured, reaching a multiple of the
    /// interval signs a checkpoint after the record is committed; if that is refused because the log was tampered
    /// with, this throws <see cref="AuditCheckpointException"/> although the record itself was written, so that work
    /// stops rather than go on against a log that can no longer be trusted.
    /// </remarks>
    public async Task<AuditRecord> AppendAsync(AuditEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var record = await AppendCoreAsync(entry, cancellationToken).ConfigureAwait(false);
        if (checkpointing is not null && record.Sequence % checkpointing.Interval == 0)
        {
            await SignCheckpointsAsync(checkpointing, atHead: false, cancellationToken).ConfigureAwait(false);
        }
        return record;
    }

    /// <summary>
    /// Appends <paramref name="entries"/> in order in one transaction (one fsync): the chain runs from record to record
    /// exactly as if each had been appended alone, and either all are committed or none. Returns their records in the
    /// same order. With checkpointing configured, a checkpoint is signed at every multiple of the interval the batch
    /// reached, after the commit; as with <see cref="AppendAsync"/>, a refusal to sign throws
    /// <see cref="AuditCheckpointException"/> although the records were written.
    /// </summary>
    public async Task<IReadOnlyList<AuditRecord>> AppendBatchAsync(IReadOnlyList<AuditEntry> entries, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entries);
        foreach (var entry in entries)
        {
            ArgumentNullException.ThrowIfNull(entry, nameof(entries));
        }
        if (entries.Count == 0)
        {
            return [];
        }
        var records = await AppendBatchCoreAsync(entries, cancellationToken).ConfigureAwait(false);
        if (checkpointing is not null && CrossesMultiple(records[0].Sequence, records[^1].Sequence, checkpointing.Interval))
        {
            await SignCheckpointsAsync(checkpointing, atHead: false, cancellationToken).ConfigureAwait(false);
        }
        return records;
    }

    /// <summary>Whether some multiple of <paramref name="interval"/> lies in [<paramref name="first"/>, <paramref name="last"/>].</summary>
    internal static bool CrossesMultiple(long first, long last, int interval) => last / interval > (first - 1) / interval;

    private async Task<AuditRecord[]> AppendBatchCoreAsync(IReadOnlyList<AuditEntry> entries, CancellationToken cancellationToken)
    {
        var records = new AuditRecord[entries.Count];
        var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var transaction = connection.BeginImmediateTransaction();
            await using (transaction.ConfigureAwait(false))
            {
                var head = await ReadHeadAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
                using var insert = AuditLogRows.CreateInsert(connection, transaction);
                var time = timeProvider.GetUtcNow().ToUniversalTime();
                var timeText = StorageTime.Format(time);
                var previous = head;
                for (var i = 0; i < entries.Count; i++)
                {
                    var record = Chain(entries[i], previous.Sequence + 1, time, previous.Hash);
                    insert.SetValues(record, timeText);
                    await insert.Command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                    records[i] = record;
                    previous = new AuditCheckpoint(record.Sequence, record.Hash);
                }
                // Nothing is returned, so nobody is told a record exists, until the commit has returned.
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        return records;
    }

    private static AuditRecord Chain(AuditEntry entry, long sequence, DateTimeOffset time, string prevHash)
    {
        var unhashed = new AuditRecord(
            Sequence: sequence,
            Time: time,
            RunId: entry.RunId,
            Actor: entry.Actor,
            DelegationChain: entry.DelegationChain.Count == 0 ? [entry.Actor] : entry.DelegationChain.ToArray(),
            Action: entry.Action,
            ArgumentDigest: entry.ArgumentDigest,
            Decisions: entry.Decisions.ToArray(),
            Outcome: entry.Outcome,
            ResultDigest: entry.ResultDigest,
            PrevHash: prevHash,
            Hash: string.Empty);
        return unhashed with { Hash = AuditRecordJson.ComputeHash(unhashed) };
    }

    private async Task<AuditRecord> AppendCoreAsync(AuditEntry entry, CancellationToken cancellationToken)
    {
        var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            // The head must be read under the write lock: with a deferred transaction two processes could read
            // the same head and both append sequence n+1, forking the chain.
            var transaction = connection.BeginImmediateTransaction();
            await using (transaction.ConfigureAwait(false))
            {
                var head = await ReadHeadAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
                var record = Chain(entry, head.Sequence + 1, timeProvider.GetUtcNow().ToUniversalTime(), head.Hash);

                using var command = connection.CreateCommand();
                command.Transaction = transaction;
                command.CommandText = $"""
                    INSERT INTO audit_log ({AuditLogRows.Columns})
                    VALUES (@sequence, @time, @run_id, @actor, @delegation_chain, @action, @argument_digest,
                            @decisions, @outcome, @result_digest, @prev_hash, @hash);
                    """;
                AuditLogRows.Bind(command, record);
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                return record;
            }
        }
    }

    public async Task<IReadOnlyList<AuditRecord>> ReadAsync(long fromSequence = 1, long? toSequence = null, CancellationToken cancellationToken = default)
    {
        var records = new List<AuditRecord>();
        var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var command = SelectRange(connection, fromSequence, toSequence);
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    records.Add(AuditLogRows.Read(reader));
                }
            }
        }
        return records;
    }

    /// <summary>The current head; store it outside this database to detect later truncation or rewriting.</summary>
    public async Task<AuditCheckpoint> CheckpointAsync(CancellationToken cancellationToken = default)
    {
        var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            return await ReadHeadAsync(connection, transaction: null, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc/>
    /// <remarks>
    /// A deleted record is reported at the sequence right after the gap (deleting 3 of 5 reports 4), since that is
    /// where the chain breaks; the problem text names the missing numbers. Records cut off the end leave an intact
    /// chain; use <see cref="VerifyAsync(AuditCheckpoint, CancellationToken)"/> to catch that.
    /// </remarks>
    public Task<AuditVerification> VerifyAsync(CancellationToken cancellationToken = default) =>
        VerifyChainAsync(expected: null, cancellationToken);

    /// <summary>
    /// Like <see cref="VerifyAsync(CancellationToken)"/>, and also fails when the log no longer reaches
    /// <paramref name="checkpoint"/> (truncated; FirstBadSequence is the first missing record) or when the record at the
    /// checkpoint's sequence has a different hash (rewritten). Records appended after the checkpoint are fine.
    /// </summary>
    public Task<AuditVerification> VerifyAsync(AuditCheckpoint checkpoint, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        ArgumentOutOfRangeException.ThrowIfNegative(checkpoint.Sequence);
        if (checkpoint.Sequence == 0 && !string.Equals(checkpoint.Hash, AuditRecordJson.GenesisHash, StringComparison.Ordinal))
        {
            throw new ArgumentException("A checkpoint of an empty log must carry the genesis hash.", nameof(checkpoint));
        }
        return VerifyChainAsync(checkpoint, cancellationToken);
    }

    /// <summary>
    /// Verifies only what was appended since <paramref name="checkpoint"/>: the record at the checkpoint must still be
    /// there with the checkpoint's hash and still hash to it, and every later record must continue the chain from it.
    /// Costs the records since the checkpoint, not the whole log; records before it are not read, so a change there
    /// is for <see cref="VerifyAsync(AuditCheckpoint, CancellationToken)"/> to find (a change re-hashed through to the
    /// checkpoint's record is found here, since that record's hash would differ).
    /// </summary>
    public async Task<AuditVerification> VerifySinceAsync(AuditCheckpoint checkpoint, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        if (checkpoint.Sequence > 0)
        {
            var atCheckpoint = await ReadAsync(checkpoint.Sequence, checkpoint.Sequence, cancellationToken).ConfigureAwait(false);
            if (atCheckpoint.Count != 1 || !string.Equals(atCheckpoint[0].Hash, checkpoint.Hash, StringComparison.Ordinal) || !AuditRecordJson.HashMatches(atCheckpoint[0]))
            {
                return new AuditVerification(Intact: false, RecordsChecked: 1, FirstBadSequence: checkpoint.Sequence,
                    Problem: $"record {checkpoint.Sequence} no longer matches the checkpoint: it was deleted, changed or re-hashed");
            }
        }
        return await VerifyCoreAsync(AuditChainVerifier.ContinuingFrom(checkpoint), cancellationToken, fromSequence: checkpoint.Sequence + 1).ConfigureAwait(false);
    }

    // An intact long log is confirmed on every core; anything else is walked, and explained, record by record.
    private async Task<AuditVerification> VerifyChainAsync(
        AuditCheckpoint? expected, CancellationToken cancellationToken, IReadOnlyList<SignedAuditCheckpoint>? signed = null) =>
        await TryVerifyInParallelAsync(expected, cancellationToken, signed).ConfigureAwait(false)
            ?? await VerifyCoreAsync(new AuditChainVerifier(expected, signed), cancellationToken).ConfigureAwait(false);

    /// <summary>One canonical JSON object per record, oldest first, for shipping to a SIEM.</summary>
    public async IAsyncEnumerable<string> ExportJsonLinesAsync(
        long fromSequence = 1,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var command = SelectRange(connection, fromSequence, toSequence: null);
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    yield return CanonicalJson.Serialize(AuditRecordJson.ToJson(AuditLogRows.Read(reader), includeHash: true));
                }
            }
        }
    }

    /// <summary>
    /// The log as OTLP/JSON <c>ExportLogsServiceRequest</c> documents of up to <paramref name="batchSize"/> log records
    /// each, oldest first, one document a line (see <see cref="AuditOtlpJson"/>).
    /// </summary>
    public async IAsyncEnumerable<string> ExportOtlpJsonAsync(
        long fromSequence = 1,
        int batchSize = 512,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        var batch = new List<AuditRecord>(batchSize);
        var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var command = SelectRange(connection, fromSequence, toSequence: null);
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    batch.Add(AuditLogRows.Read(reader));
                    if (batch.Count == batchSize)
                    {
                        yield return AuditOtlpJson.ExportLogsServiceRequestLine(batch);
                        batch.Clear();
                    }
                }
            }
        }
        if (batch.Count > 0)
        {
            yield return AuditOtlpJson.ExportLogsServiceRequestLine(batch);
        }
    }

    private async Task<AuditVerification> VerifyCoreAsync(AuditChainVerifier verifier, CancellationToken cancellationToken, long fromSequence = long.MinValue)
    {
        var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            // Streams the table so verifying a long log does not hold it all in memory; WAL gives the reader a
            // consistent snapshot while other processes keep appending.
            using var command = SelectRange(connection, fromSequence, toSequence: null);
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    // Most rows are intact: checked straight from the stored bytes, without decoding them into a
                    // record. Any row the fast path is not sure of is read and checked as a record, as always.
                    if (AuditLogRows.TryReadRaw(reader, out var row) && verifier.TryAccept(row))
                    {
                        continue;
                    }
                    AuditRecord record;
                    try
                    {
                        record = AuditLogRows.Read(reader);
                    }
                    catch (Exception ex) when (ex is JsonException or FormatException or InvalidOperationException or InvalidCastException)
                    {
                        return verifier.Unreadable(reader.GetInt64(0), ex.Message);
                    }

                    var failure = verifier.Check(record);
                    if (failure is not null)
                    {
                        return failure;
                    }
                }
            }
        }
        return verifier.Finish();
    }

    private static SqliteCommand SelectRange(SqliteConnection connection, long fromSequence, long? toSequence)
    {
        var command = connection.CreateCommand();
        command.CommandText = $"""
            SELECT {AuditLogRows.Columns} FROM audit_log
            WHERE sequence >= @from AND (@to IS NULL OR sequence <= @to)
            ORDER BY sequence;
            """;
        return command.WithParameter("@from", fromSequence).WithParameter("@to", toSequence);
    }

    private static async Task<AuditCheckpoint> ReadHeadAsync(SqliteConnection connection, SqliteTransaction? transaction, CancellationToken cancellationToken)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT sequence, hash FROM audit_log ORDER BY sequence DESC LIMIT 1;";
        var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            return await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
                ? new AuditCheckpoint(reader.GetInt64(0), reader.GetString(1))
                : new AuditCheckpoint(0, AuditRecordJson.GenesisHash);
        }
    }
}
