using AgentOps.Core;
using Microsoft.Data.Sqlite;

namespace AgentOps.Storage.Tests;

/// <summary>Batch appends in one transaction, and the group-commit appender that turns concurrent appends into batches.</summary>
public sealed partial class SqliteAuditLogTests
{
    [Fact]
    public async Task AppendBatchAsync_AfterSingleAppends_ContinuesTheChainRecordToRecord()
    {
        var sut = await CreateLogAsync();
        await AppendAsync(sut, 2);

        var appended = await sut.AppendBatchAsync([Entry(3), Entry(4), Entry(5, resultDigest: "sha256:r"), Entry(6), Entry(7)]);

        Assert.Equal([3L, 4L, 5L, 6L, 7L], appended.Select(r => r.Sequence));
        Assert.Equal(["run-3", "run-4", "run-5", "run-6", "run-7"], appended.Select(r => r.RunId));
        var stored = await sut.ReadAsync();
        Assert.Equal(stored.Skip(2).Select(r => r.Hash), appended.Select(r => r.Hash));
        Assert.Equal(stored[1].Hash, appended[0].PrevHash);
        for (var i = 1; i < appended.Count; i++)
        {
            Assert.Equal(appended[i - 1].Hash, appended[i].PrevHash);
        }
        var verification = await sut.VerifyAsync();
        Assert.True(verification.Intact, verification.Problem);
        Assert.Equal(7, verification.RecordsChecked);
    }

    [Fact]
    public async Task AppendBatchAsync_OneRowRefused_CommitsNoneOfTheBatch()
    {
        var sut = await CreateLogAsync();
        await AppendAsync(sut, 2);
        await _directory.ExecuteRawAsync(
            "CREATE TRIGGER refuse_boom BEFORE INSERT ON audit_log WHEN NEW.action = 'boom' BEGIN SELECT RAISE(ABORT, 'boom refused'); END;");

        var batch = new[] { Entry(3), Entry(4) with { Action = "boom" }, Entry(5) };
        var error = await Assert.ThrowsAsync<SqliteException>(() => sut.AppendBatchAsync(batch));

        Assert.Contains("boom refused", error.Message, StringComparison.Ordinal);
        Assert.Equal([1L, 2L], (await sut.ReadAsync()).Select(r => r.Sequence));
        Assert.True((await sut.VerifyAsync()).Intact);
        // The log still works after the rolled-back batch.
        var next = await sut.AppendBatchAsync([Entry(3)]);
        Assert.Equal(3, Assert.Single(next).Sequence);
    }

    [Fact]
    public async Task AppendBatchAsync_Empty_WritesNothing()
    {
        var sut = await CreateLogAsync();

        Assert.Empty(await sut.AppendBatchAsync([]));
        Assert.Empty(await sut.ReadAsync());
    }

    [Fact]
    public async Task AppendBatchAsync_BatchCrossesTwoMultiples_SignsACheckpointAtEach()
    {
        using var keys = OpenKeys();
        var (sut, checkpointing) = await CreateCheckpointedLogAsync(keys, interval: 5);
        await AppendAsync(sut, 3);

        await sut.AppendBatchAsync(Enumerable.Range(4, 9).Select(n => Entry(n)).ToArray()); // records 4 to 12
        await sut.AppendBatchAsync([Entry(13), Entry(14)]); // reaches no multiple

        var checkpoints = checkpointing.Store.ReadAll();
        Assert.Equal([5L, 10L], checkpoints.Select(c => c.TreeSize));
        var records = await sut.ReadAsync();
        Assert.All(checkpoints, c => Assert.Equal(records[(int)c.TreeSize - 1].Hash, c.HeadHash));
        var verification = await sut.VerifyAsync(null, checkpoints, checkpointing.TrustedKeys);
        Assert.True(verification.Intact, verification.Problem);
    }

    [Fact]
    public async Task VerifyAsync_LongLogTamperedPastTheFirstBatches_NamesTheFirstBadRecordAndStopsThere()
    {
        var sut = await CreateLogAsync();
        await sut.AppendBatchAsync(Enumerable.Range(1, 1300).Select(n => Entry(n)).ToArray());
        Assert.True((await sut.VerifyAsync()).Intact);
        await _directory.ExecuteRawAsync("UPDATE audit_log SET outcome = 'denied' WHERE sequence IN (1100, 1250);");

        var verification = await sut.VerifyAsync();

        Assert.False(verification.Intact);
        Assert.Equal(1100, verification.FirstBadSequence);
        Assert.Equal(1100, verification.RecordsChecked);
        Assert.Equal("record 1100 was changed: stored hash does not match its contents", verification.Problem);
    }

    [Fact]
    public async Task VerifyAsync_RecordsWithEscapedAndNonAsciiText_AreIntactAndATamperAmongThemIsFound()
    {
        var sut = await CreateLogAsync();
        string[] texts = ["plain", "quote \" and \\ backslash", "tab\tnew\nline", "ünïcödé 日本語 😀", "sep \u2028 \uFEFF", "nul \u0000 here"];
        await sut.AppendBatchAsync(texts.Select((t, i) => Entry(i) with
        {
            RunId = t,
            DelegationChain = ["user:" + t, "agent:planner"],
            Decisions = [new LayerDecision("L1", Verdict.Allow, t, "reason " + t)],
        }).ToArray());

        Assert.True((await sut.VerifyAsync()).Intact);
        await _directory.ExecuteRawAsync("""UPDATE audit_log SET decisions = replace(decisions, '"L1"', '"L2"') WHERE sequence = 5;""");
        var verification = await sut.VerifyAsync();
        Assert.Equal(5, verification.FirstBadSequence);
        Assert.Equal("record 5 was changed: stored hash does not match its contents", verification.Problem);
    }

    [Theory]
    [InlineData("UPDATE audit_log SET time = replace(time, 'Z', '+00:00') WHERE sequence = 2;")] // the same instant, spelled otherwise
    [InlineData("UPDATE audit_log SET decisions = replace(replace(decisions, ',', ' , '), ':', ' : ') WHERE sequence = 2;")] // spacing
    [InlineData("UPDATE audit_log SET delegation_chain = ' ' || delegation_chain || ' ' WHERE sequence = 3;")]
    public async Task VerifyAsync_EquivalentSpellingOfAColumn_StillIntactAsTheRecordPathDecides(string sql)
    {
        var sut = await CreateLogAsync();
        await sut.AppendBatchAsync(Enumerable.Range(1, 4).Select(n => Entry(n)).ToArray());
        await _directory.ExecuteRawAsync(sql);

        var verification = await sut.VerifyAsync();

        Assert.True(verification.Intact, verification.Problem);
        Assert.Equal(4, verification.RecordsChecked);
    }

    [Theory]
    [InlineData("UPDATE audit_log SET run_id = CAST(X'72756EC328' AS TEXT) WHERE sequence = 2;")] // invalid UTF-8
    [InlineData("UPDATE audit_log SET run_id = 'run-' || char(0) || '2' WHERE sequence = 2;")] // NUL
    [InlineData("UPDATE audit_log SET outcome = 5 WHERE sequence = 2;")] // an integer in a text column
    [InlineData("UPDATE audit_log SET actor = CAST('agent:planner' AS BLOB) WHERE sequence = 2;")] // a blob holding the same text
    [InlineData("UPDATE audit_log SET time = '2025-03-01T09:30:00.0000001Z' WHERE sequence = 2;")]
    public async Task VerifyAsync_OddlyStoredColumn_ReportedAsTheRecordPathDecides(string sql)
    {
        var sut = await CreateLogAsync();
        await sut.AppendBatchAsync(Enumerable.Range(1, 4).Select(n => Entry(n)).ToArray());
        await _directory.ExecuteRawAsync(sql);

        var verification = await sut.VerifyAsync();

        // The fast path declines each of these rows; the record path reads it and decides, as it did before it existed.
        if (sql.Contains("AS BLOB", StringComparison.Ordinal))
        {
            Assert.True(verification.Intact, verification.Problem);
        }
        else
        {
            Assert.False(verification.Intact);
            Assert.Equal(2, verification.FirstBadSequence);
            Assert.Equal("record 2 was changed: stored hash does not match its contents", verification.Problem);
        }
    }

    [Fact]
    public async Task VerifyAsync_Cancelled_Throws()
    {
        var sut = await CreateLogAsync();
        await sut.AppendBatchAsync(Enumerable.Range(1, 50).Select(n => Entry(n)).ToArray());

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => sut.VerifyAsync(new CancellationToken(canceled: true)));
    }

    [Theory]
    [InlineData(1, 4, 5, false)]
    [InlineData(1, 5, 5, true)]
    [InlineData(5, 5, 5, true)]
    [InlineData(6, 9, 5, false)]
    [InlineData(9, 11, 5, true)]
    [InlineData(3, 3, 1, true)]
    public void CrossesMultiple_TellsWhetherAMultipleLiesInTheRange(long first, long last, int interval, bool expected) =>
        Assert.Equal(expected, SqliteAuditLog.CrossesMultiple(first, last, interval));

    [Fact]
    public async Task GroupCommit_64ConcurrentProducers_EveryCallerGetsItsOwnRecordAndTheChainIsIntact()
    {
        await using var sut = new GroupCommitAuditLog(await CreateLogAsync(), maxBatch: 32);
        const int producers = 64;
        const int perProducer = 25;

        var results = await Task.WhenAll(Enumerable.Range(0, producers).Select(p => Task.Run(async () =>
        {
            var mine = new List<(AuditEntry Entry, AuditRecord Record)>();
            for (var i = 0; i < perProducer; i++)
            {
                var entry = Entry(i, runPrefix: $"producer-{p}");
                mine.Add((entry, await sut.AppendAsync(entry)));
            }
            return mine;
        })));

        var all = results.SelectMany(r => r).ToArray();
        Assert.Equal(Enumerable.Range(1, producers * perProducer).Select(n => (long)n), all.Select(a => a.Record.Sequence).Order());
        var stored = (await sut.ReadAsync()).ToDictionary(r => r.Sequence);
        foreach (var (entry, record) in all)
        {
            Assert.Equal(entry.RunId, record.RunId);
            Assert.Equal(entry.ArgumentDigest, record.ArgumentDigest);
            Assert.Equal(stored[record.Sequence].Hash, record.Hash);
            Assert.Equal(entry.RunId, stored[record.Sequence].RunId);
        }
        // Each producer's appends were acknowledged in order, so its own records are in order too.
        Assert.All(results, mine => Assert.Equal(mine.Select(m => m.Record.Sequence).Order(), mine.Select(m => m.Record.Sequence)));
        var verification = await sut.VerifyAsync();
        Assert.True(verification.Intact, verification.Problem);
        Assert.Equal(producers * perProducer, verification.RecordsChecked);
    }

    [Fact]
    public async Task GroupCommit_TransactionFails_EveryCallerInThatBatchFailsAndNoneOfItIsStored()
    {
        var log = await CreateLogAsync();
        await AppendAsync(log, 1);
        await _directory.ExecuteRawAsync(
            "CREATE TRIGGER refuse_boom BEFORE INSERT ON audit_log WHEN NEW.action = 'boom' BEGIN SELECT RAISE(ABORT, 'boom refused'); END;");
        await using var sut = new GroupCommitAuditLog(log, maxBatch: 64);
        var batches = HoldFirstBatch(sut, out var release);

        // The writer takes 'first' alone and is held; everything queued meanwhile becomes its next batch.
        var first = sut.AppendAsync(Entry(100));
        await batches.FirstTaken;
        Task<AuditRecord>[] batch = [sut.AppendAsync(Entry(101)), sut.AppendAsync(Entry(102) with { Action = "boom" }), sut.AppendAsync(Entry(103))];
        release();

        foreach (var task in batch)
        {
            var error = await Assert.ThrowsAsync<SqliteException>(() => task);
            Assert.Contains("boom refused", error.Message, StringComparison.Ordinal);
        }
        Assert.Equal([["run-100"], ["run-101", "run-102", "run-103"]], batches.Taken.Select(b => b.Select(e => e.RunId).ToArray()));
        var stored = await sut.ReadAsync();
        Assert.DoesNotContain(stored, r => r.RunId is "run-101" or "run-102" or "run-103");
        Assert.Equal((await first).Hash, Assert.Single(stored, r => r.RunId == "run-100").Hash);
        // The appender keeps working after a failed batch, and the chain has no gap.
        var after = await sut.AppendAsync(Entry(104));
        Assert.Equal(3, after.Sequence);
        Assert.True((await sut.VerifyAsync()).Intact);
    }

    [Fact]
    public async Task GroupCommit_CancelledWhileQueued_IsWithdrawnAndNeverWritten()
    {
        await using var sut = new GroupCommitAuditLog(await CreateLogAsync());
        var batches = HoldFirstBatch(sut, out var release);
        using var cancel = new CancellationTokenSource();

        var first = sut.AppendAsync(Entry(1));
        await batches.FirstTaken;
        var withdrawn = sut.AppendAsync(Entry(2), cancel.Token);
        var kept = sut.AppendAsync(Entry(3));
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => withdrawn);
        release();

        Assert.Equal(1, (await first).Sequence);
        Assert.Equal(2, (await kept).Sequence);
        Assert.Equal(["run-1", "run-3"], (await sut.ReadAsync()).Select(r => r.RunId));
        Assert.True((await sut.VerifyAsync()).Intact);
    }

    [Fact]
    public async Task GroupCommit_CancelledAfterTheWriterTookIt_StillReportsTheRecordItWrote()
    {
        await using var sut = new GroupCommitAuditLog(await CreateLogAsync());
        var batches = HoldFirstBatch(sut, out var release);
        using var cancel = new CancellationTokenSource();

        var taken = sut.AppendAsync(Entry(1), cancel.Token);
        await batches.FirstTaken;
        await cancel.CancelAsync();
        release();

        var record = await taken;
        Assert.Equal(record.Hash, Assert.Single(await sut.ReadAsync()).Hash);
    }

    [Fact]
    public async Task GroupCommit_AlreadyCancelledToken_ThrowsWithoutQueueing()
    {
        await using var sut = new GroupCommitAuditLog(await CreateLogAsync());

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => sut.AppendAsync(Entry(1), new CancellationToken(canceled: true)));

        Assert.Empty(await sut.ReadAsync());
    }

    [Fact]
    public async Task GroupCommit_Dispose_WritesEverythingQueuedThenRefusesNewAppends()
    {
        var sut = new GroupCommitAuditLog(await CreateLogAsync(), maxBatch: 4);
        var batches = HoldFirstBatch(sut, out var release);
        var queued = new List<Task<AuditRecord>> { sut.AppendAsync(Entry(1)) };
        await batches.FirstTaken;
        queued.AddRange(Enumerable.Range(2, 9).Select(n => sut.AppendAsync(Entry(n))));

        var disposing = sut.DisposeAsync();
        await Assert.ThrowsAsync<ObjectDisposedException>(() => sut.AppendAsync(Entry(11)));
        release();
        await disposing;

        // Everything queued before the dispose was written before it returned.
        Assert.Equal(Enumerable.Range(1, 10).Select(n => $"run-{n}"), (await sut.ReadAsync()).Select(r => r.RunId));
        Assert.Equal(Enumerable.Range(1, 10).Select(n => (long)n), (await Task.WhenAll(queued)).Select(r => r.Sequence));
        Assert.Equal([1, 4, 4, 1], batches.Taken.Select(b => b.Count));
        await sut.DisposeAsync(); // a second dispose is harmless
    }

    /// <summary>Holds the writer at its first batch until <paramref name="release"/> is called, and records every batch it takes.</summary>
    private static BatchProbe HoldFirstBatch(GroupCommitAuditLog sut, out Action release)
    {
        var probe = new BatchProbe();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        release = () => gate.TrySetResult();
        sut.BatchTaken = async entries =>
        {
            lock (probe.Taken)
            {
                probe.Taken.Add(entries);
            }
            if (probe.Started.TrySetResult())
            {
                await gate.Task;
            }
        };
        return probe;
    }

    private sealed class BatchProbe
    {
        public List<IReadOnlyList<AuditEntry>> Taken { get; } = [];

        public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task FirstTaken => Started.Task;
    }
}
