using System.Threading.Channels;
using AgentOps.Core;

namespace AgentOps.Storage;

/// <summary>
/// Group commit in front of <see cref="SqliteAuditLog"/>: concurrent <see cref="AppendAsync"/> callers queue their
/// entries, and one writer appends whatever is waiting (up to <c>maxBatch</c>) in a single transaction with
/// <see cref="SqliteAuditLog.AppendBatchAsync"/>, so many audited decisions share one fsync. Every caller's task
/// completes with its own record only after that transaction has committed; if the transaction fails, every caller
/// in it gets the exception and none of their records exists. A lone caller waits no longer than it would with
/// <see cref="SqliteAuditLog.AppendAsync"/>: the writer does not wait for a batch to fill, it takes what is queued.
/// </summary>
/// <remarks>
/// Within one process this replaces per-record transactions; other processes appending to the same file directly
/// still work, since each batch reads the head under the write lock. A record's time is the time its batch was
/// written. Disposing stops new appends and writes everything already queued before it returns.
/// </remarks>
public sealed class GroupCommitAuditLog : IAuditLog, IAsyncDisposable
{
    private readonly SqliteAuditLog _log;
    private readonly int _maxBatch;
    private readonly Channel<PendingAppend> _queue;
    private readonly Task _writer;
    private int _disposed;

    /// <param name="maxBatch">The most entries written in one transaction.</param>
    /// <param name="queueCapacity">Callers beyond this many queued entries wait for room (back-pressure).</param>
    public GroupCommitAuditLog(SqliteAuditLog log, int maxBatch = 256, int queueCapacity = 8192)
    {
        ArgumentNullException.ThrowIfNull(log);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatch, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(queueCapacity, 1);
        _log = log;
        _maxBatch = maxBatch;
        _queue = Channel.CreateBounded<PendingAppend>(new BoundedChannelOptions(queueCapacity)
        {
            SingleReader = true,
            SingleWriter = false,
            FullMode = BoundedChannelFullMode.Wait,
            AllowSynchronousContinuations = false,
        });
        _writer = Task.Run(WriteLoopAsync);
    }

    /// <summary>For tests: called with each batch after the writer has taken it and before it is written.</summary>
    internal Func<IReadOnlyList<AuditEntry>, Task>? BatchTaken { get; set; }

    /// <summary>The log this one writes to.</summary>
    public SqliteAuditLog Inner => _log;

    /// <inheritdoc/>
    /// <remarks>
    /// Cancelling before the writer has taken the entry withdraws it: the task is cancelled and nothing is written.
    /// Once the writer has taken it the append completes either way, and the task reports its record (or the failure),
    /// so a caller is never told an entry was dropped when it was in fact written.
    /// </remarks>
    /// <exception cref="ObjectDisposedException">This log was disposed.</exception>
    public async Task<AuditRecord> AppendAsync(AuditEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        cancellationToken.ThrowIfCancellationRequested();
        var pending = new PendingAppend(entry);
        try
        {
            await _queue.Writer.WriteAsync(pending, cancellationToken).ConfigureAwait(false);
        }
        catch (ChannelClosedException)
        {
            throw new ObjectDisposedException(nameof(GroupCommitAuditLog));
        }
        if (!cancellationToken.CanBeCanceled)
        {
            return await pending.Completion.Task.ConfigureAwait(false);
        }
        using (cancellationToken.Register(static (state, token) => ((PendingAppend)state!).TryWithdraw(token), pending))
        {
            return await pending.Completion.Task.ConfigureAwait(false);
        }
    }

    public Task<IReadOnlyList<AuditRecord>> ReadAsync(long fromSequence = 1, long? toSequence = null, CancellationToken cancellationToken = default) =>
        _log.ReadAsync(fromSequence, toSequence, cancellationToken);

    public Task<AuditVerification> VerifyAsync(CancellationToken cancellationToken = default) => _log.VerifyAsync(cancellationToken);

    /// <summary>Refuses new appends, writes every entry already queued, and waits for the writer to finish.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            await _writer.ConfigureAwait(false);
            return;
        }
        _queue.Writer.TryComplete();
        await _writer.ConfigureAwait(false);
    }

    private async Task WriteLoopAsync()
    {
        var reader = _queue.Reader;
        var batch = new List<PendingAppend>(_maxBatch);
        var entries = new List<AuditEntry>(_maxBatch);
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            // Callers acknowledged by the last commit are usually about to append again; one yield lets their
            // continuations queue those appends, so they join this transaction instead of waiting for the next fsync.
            if (reader.Count < _maxBatch)
            {
                await Task.Yield();
            }
            batch.Clear();
            entries.Clear();
            while (batch.Count < _maxBatch && reader.TryRead(out var pending))
            {
                if (pending.TryClaim())
                {
                    batch.Add(pending);
                    entries.Add(pending.Entry);
                }
            }
            if (batch.Count == 0)
            {
                continue;
            }
            IReadOnlyList<AuditRecord> records;
            try
            {
                if (BatchTaken is { } batchTaken)
                {
                    await batchTaken(entries.ToArray()).ConfigureAwait(false);
                }
                // Not cancellable: once taken, an entry is either committed and acknowledged or failed and reported.
                records = await _log.AppendBatchAsync(entries, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                // Either the transaction failed (nothing of this batch was committed), or, as AppendAsync does, the
                // records were committed but signing the checkpoint they reached was refused; both stop every caller.
                foreach (var pending in batch)
                {
                    pending.Completion.TrySetException(ex);
                }
                continue;
            }
            for (var i = 0; i < batch.Count; i++)
            {
                batch[i].Completion.TrySetResult(records[i]);
            }
        }
    }

    /// <summary>One caller's entry; the writer claims it, or the caller's cancellation withdraws it, whichever is first.</summary>
    private sealed class PendingAppend(AuditEntry entry)
    {
        private const int Queued = 0;
        private const int Claimed = 1;
        private const int Withdrawn = 2;

        private int _state;

        public AuditEntry Entry { get; } = entry;

        public TaskCompletionSource<AuditRecord> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public bool TryClaim() => Interlocked.CompareExchange(ref _state, Claimed, Queued) == Queued;

        public void TryWithdraw(CancellationToken cancellationToken)
        {
            if (Interlocked.CompareExchange(ref _state, Withdrawn, Queued) == Queued)
            {
                Completion.TrySetCanceled(cancellationToken);
            }
        }
    }
}
