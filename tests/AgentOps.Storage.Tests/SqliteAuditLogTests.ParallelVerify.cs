namespace AgentOps.Storage.Tests;

/// <summary>
/// The parallel check of a long log may only ever say "intact", and only when the record-by-record walk would. Here a
/// log of 12 records is cut into 3 parts (seams after records 4 and 8) and tampered with in the middle of a part, at
/// its edges and across a seam: the parallel check must decline every time, and VerifyAsync must report exactly what
/// the sequential walk reports on the same file.
/// </summary>
public sealed partial class SqliteAuditLogTests
{
    public static TheoryData<string, string> Tampering() => new()
    {
        { "a field inside a part", "UPDATE audit_log SET outcome = 'denied' WHERE sequence = 6;" },
        { "the first record of a part", "UPDATE audit_log SET outcome = 'denied' WHERE sequence = 5;" },
        { "the last record of a part", "UPDATE audit_log SET actor = 'agent:mallory' WHERE sequence = 8;" },
        { "the record at a seam deleted", "DELETE FROM audit_log WHERE sequence = 5;" },
        { "the first record deleted", "DELETE FROM audit_log WHERE sequence = 1;" },
        { "a link broken across a seam", "UPDATE audit_log SET prev_hash = (SELECT prev_hash FROM audit_log WHERE sequence = 4) WHERE sequence = 5;" },
        { "a JSON column no longer JSON", "UPDATE audit_log SET decisions = 'nothing to see' WHERE sequence = 9;" },
        { "the last record renumbered", "UPDATE audit_log SET sequence = 112 WHERE sequence = 12;" },
        { "a record renumbered below the first", "UPDATE audit_log SET sequence = 0 WHERE sequence = 3;" },
    };

    [Theory]
    [MemberData(nameof(Tampering))]
    public async Task VerifyAsync_TamperedLongLog_ParallelCheckDeclines_AndTheReportIsTheSequentialOne(string what, string tamper)
    {
        var (parallel, sequential) = await CreateParallelAndSequentialLogsAsync(12);
        await _directory.ExecuteRawAsync(tamper);

        var declined = await parallel.TryVerifyInParallelAsync(expected: null, CancellationToken.None);
        var reported = await parallel.VerifyAsync();
        var walked = await sequential.VerifyAsync();

        Assert.True(declined is null, what);
        Assert.False(walked.Intact);
        Assert.Equal(walked, reported);
    }

    [Fact]
    public async Task VerifyAsync_IntactLongLog_IsConfirmedByTheParallelCheck_WithTheSameAnswerAsTheWalk()
    {
        var (parallel, sequential) = await CreateParallelAndSequentialLogsAsync(12);

        var confirmed = await parallel.TryVerifyInParallelAsync(expected: null, CancellationToken.None);

        Assert.NotNull(confirmed);
        Assert.True(confirmed.Intact);
        Assert.Equal(12, confirmed.RecordsChecked);
        Assert.Equal(await sequential.VerifyAsync(), await parallel.VerifyAsync());
    }

    [Fact]
    public async Task VerifyAsync_LongLogAgainstCheckpoint_ParallelCheckHonoursItsHashAndItsLength()
    {
        var (parallel, sequential) = await CreateParallelAndSequentialLogsAsync(7);
        var atSeven = await parallel.CheckpointAsync();
        await AppendAsync(parallel, 5, runPrefix: "later");

        Assert.True((await parallel.TryVerifyInParallelAsync(atSeven, CancellationToken.None))?.Intact);

        // The checkpoint's record rewritten with a consistent chain from there on: only the checkpoint can tell.
        var forged = atSeven with { Hash = "sha256:" + new string('e', 64) };
        Assert.Null(await parallel.TryVerifyInParallelAsync(forged, CancellationToken.None));
        Assert.Equal(await sequential.VerifyAsync(forged), await parallel.VerifyAsync(forged));
        Assert.False((await parallel.VerifyAsync(forged)).Intact);

        // Cut below the checkpoint.
        await _directory.ExecuteRawAsync("DELETE FROM audit_log WHERE sequence >= 6;");
        Assert.Null(await parallel.TryVerifyInParallelAsync(atSeven, CancellationToken.None));
        Assert.Equal(await sequential.VerifyAsync(atSeven), await parallel.VerifyAsync(atSeven));
        Assert.False((await parallel.VerifyAsync(atSeven)).Intact);
    }

    [Fact]
    public async Task VerifyAsync_LogShorterThanTheMinimum_IsWalkedNotSplit()
    {
        var log = new SqliteAuditLog(await SqliteDatabase.OpenAsync(_directory.DatabasePath), _time) { ParallelVerifyParts = 2, ParallelVerifyMinimumRecords = 10 };
        await AppendAsync(log, 9);

        Assert.Null(await log.TryVerifyInParallelAsync(expected: null, CancellationToken.None));
        Assert.True((await log.VerifyAsync()).Intact);
    }

    public static TheoryData<string> SignedTampering() => ["rewritten and re-hashed after a checkpoint", "field below a checkpoint", "tail below a checkpoint deleted", "intact"];

    [Theory]
    [MemberData(nameof(SignedTampering))]
    public async Task VerifyAsync_AgainstSignedCheckpoints_ParallelCheckConfirmsOnlyAnIntactLog_AndReportsAsTheWalkDoes(string what)
    {
        using var keys = OpenKeys();
        var (walking, checkpointing) = await CreateCheckpointedLogAsync(keys, interval: 4);
        var parallel = new SqliteAuditLog(await SqliteDatabase.OpenAsync(_directory.DatabasePath), _time, checkpointing) { ParallelVerifyParts = 3, ParallelVerifyMinimumRecords = 1 };
        var sequential = new SqliteAuditLog(await SqliteDatabase.OpenAsync(_directory.DatabasePath), _time, checkpointing) { ParallelVerifyParts = 1 };
        await AppendAsync(walking, 14);
        switch (what)
        {
            case "rewritten and re-hashed after a checkpoint":
                await RewriteFromAsync(walking, 6, "allowed");
                break;
            case "field below a checkpoint":
                await _directory.ExecuteRawAsync("UPDATE audit_log SET actor = 'agent:someone-else' WHERE sequence = 5;");
                break;
            case "tail below a checkpoint deleted":
                await _directory.ExecuteRawAsync("DELETE FROM audit_log WHERE sequence >= 11;");
                break;
        }
        var signed = checkpointing.Store.ReadAll();
        Assert.Equal(3, signed.Count);

        var confirmed = await parallel.TryVerifyInParallelAsync(expected: null, CancellationToken.None, signed.OrderBy(c => c.TreeSize).ToArray());
        var reported = await parallel.VerifyAsync(null, signed, checkpointing.TrustedKeys);
        var walked = await sequential.VerifyAsync(null, signed, checkpointing.TrustedKeys);

        Assert.Equal(walked, reported);
        Assert.Equal(what == "intact", walked.Intact);
        if (what == "intact")
        {
            Assert.Equal(walked, confirmed);
        }
        else
        {
            Assert.Null(confirmed);
        }
    }

    private async Task<(SqliteAuditLog Parallel, SqliteAuditLog Sequential)> CreateParallelAndSequentialLogsAsync(int records)
    {
        var database = await SqliteDatabase.OpenAsync(_directory.DatabasePath);
        var parallel = new SqliteAuditLog(database, _time) { ParallelVerifyParts = 3, ParallelVerifyMinimumRecords = 1 };
        var sequential = new SqliteAuditLog(database, _time) { ParallelVerifyParts = 1 };
        await AppendAsync(parallel, records);
        return (parallel, sequential);
    }
}
