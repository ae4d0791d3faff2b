namespace AgentOps.Storage.Tests;

/// <summary>Tampering goes through raw SQL on a separate connection, as someone with the file and the sqlite3 shell would.</summary>
public sealed partial class SqliteAuditLogTests
{
    [Fact]
    public async Task VerifyAsync_FieldOfRecord2Updated_NamesRecord2()
    {
        var sut = await CreateLogAsync();
        await AppendAsync(sut, 5);
        await _directory.ExecuteRawAsync("UPDATE audit_log SET outcome = 'denied' WHERE sequence = 2;");

        var verification = await sut.VerifyAsync();

        Assert.False(verification.Intact);
        Assert.Equal(2, verification.FirstBadSequence);
        Assert.Equal(2, verification.RecordsChecked);
        Assert.Equal("record 2 was changed: stored hash does not match its contents", verification.Problem);
    }

    [Fact]
    public async Task VerifyAsync_VerdictFlippedInDecisionsJson_NamesThatRecord()
    {
        var sut = await CreateLogAsync();
        await AppendAsync(sut, 5);
        await _directory.ExecuteRawAsync("UPDATE audit_log SET decisions = replace(decisions, '\"Pause\"', '\"Allow\"') WHERE sequence = 4;");

        var verification = await sut.VerifyAsync();

        Assert.Equal(4, verification.FirstBadSequence);
        Assert.Contains("record 4 was changed", verification.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VerifyAsync_DecisionsColumnNoLongerJson_NamesThatRecord()
    {
        var sut = await CreateLogAsync();
        await AppendAsync(sut, 5);
        await _directory.ExecuteRawAsync("UPDATE audit_log SET decisions = 'nothing to see' WHERE sequence = 3;");

        var verification = await sut.VerifyAsync();

        Assert.False(verification.Intact);
        Assert.Equal(3, verification.FirstBadSequence);
        Assert.StartsWith("record 3 was changed: its stored fields can no longer be read", verification.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VerifyAsync_Record3Of5Deleted_NamesRecord4AndTheMissingOne()
    {
        var sut = await CreateLogAsync();
        await AppendAsync(sut, 5);
        await _directory.ExecuteRawAsync("DELETE FROM audit_log WHERE sequence = 3;");

        var verification = await sut.VerifyAsync();

        Assert.False(verification.Intact);
        Assert.Equal(4, verification.FirstBadSequence);
        Assert.Equal("record 3 is missing: record 4 follows record 2", verification.Problem);
    }

    [Fact]
    public async Task VerifyAsync_Record3DeletedAndLaterOnesRenumbered_NamesRecord3()
    {
        var sut = await CreateLogAsync();
        await AppendAsync(sut, 5);
        await _directory.ExecuteRawAsync(
            "DELETE FROM audit_log WHERE sequence = 3; UPDATE audit_log SET sequence = sequence - 1 WHERE sequence > 3;");

        var verification = await sut.VerifyAsync();

        Assert.Equal(3, verification.FirstBadSequence);
        Assert.Contains("record 3 was changed or moved", verification.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VerifyAsync_FirstRecordDeleted_NamesRecord2()
    {
        var sut = await CreateLogAsync();
        await AppendAsync(sut, 3);
        await _directory.ExecuteRawAsync("DELETE FROM audit_log WHERE sequence = 1;");

        var verification = await sut.VerifyAsync();

        Assert.Equal(2, verification.FirstBadSequence);
        Assert.Equal("record 1 is missing: the log starts at record 2", verification.Problem);
    }

    [Fact]
    public async Task VerifyAsync_Records2And3Swapped_NamesRecord2()
    {
        var sut = await CreateLogAsync();
        await AppendAsync(sut, 5);
        await _directory.ExecuteRawAsync("""
            UPDATE audit_log SET sequence = -2 WHERE sequence = 2;
            UPDATE audit_log SET sequence = 2 WHERE sequence = 3;
            UPDATE audit_log SET sequence = 3 WHERE sequence = -2;
            """);

        var verification = await sut.VerifyAsync();

        Assert.False(verification.Intact);
        Assert.Equal(2, verification.FirstBadSequence);
        Assert.Equal(
            "record 2 was changed or moved: stored hash does not match its contents and its prev_hash does not match the hash of record 1",
            verification.Problem);
    }

    [Fact]
    public async Task VerifyAsync_PrevHashOfRecord3Rewritten_NamesRecord3()
    {
        var sut = await CreateLogAsync();
        await AppendAsync(sut, 5);
        await _directory.ExecuteRawAsync($"UPDATE audit_log SET prev_hash = '{s_genesis}' WHERE sequence = 3;");

        var verification = await sut.VerifyAsync();

        Assert.Equal(3, verification.FirstBadSequence);
        Assert.Contains("prev_hash does not match the hash of record 2", verification.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VerifyAsync_TailDeletedWithoutCheckpoint_CannotTell()
    {
        var sut = await CreateLogAsync();
        await AppendAsync(sut, 5);
        await _directory.ExecuteRawAsync("DELETE FROM audit_log WHERE sequence >= 4;");

        var verification = await sut.VerifyAsync();

        Assert.True(verification.Intact);
        Assert.Equal(3, verification.RecordsChecked);
    }

    [Fact]
    public async Task VerifyAsync_TailDeletedAfterCheckpoint_ReportsTruncationAtFirstMissingRecord()
    {
        var sut = await CreateLogAsync();
        await AppendAsync(sut, 5);
        var checkpoint = await sut.CheckpointAsync();
        await _directory.ExecuteRawAsync("DELETE FROM audit_log WHERE sequence >= 4;");

        var verification = await sut.VerifyAsync(checkpoint);

        Assert.Equal(5, checkpoint.Sequence);
        Assert.False(verification.Intact);
        Assert.Equal(4, verification.FirstBadSequence);
        Assert.Equal(
            "the log was truncated: it ends at record 3 but the checkpoint was taken at record 5, so records 4 to 5 were deleted",
            verification.Problem);
    }

    [Fact]
    public async Task VerifyAsync_AppendsAfterCheckpoint_Intact()
    {
        var sut = await CreateLogAsync();
        await AppendAsync(sut, 2);
        var checkpoint = await sut.CheckpointAsync();
        await AppendAsync(sut, 3);

        var verification = await sut.VerifyAsync(checkpoint);

        Assert.True(verification.Intact);
        Assert.Equal(5, verification.RecordsChecked);
    }

    [Fact]
    public async Task VerifyAsync_ChainRebuiltAfterCheckpoint_NamesCheckpointRecord()
    {
        var sut = await CreateLogAsync();
        await AppendAsync(sut, 3);
        var checkpoint = await sut.CheckpointAsync();
        await _directory.ExecuteRawAsync("DELETE FROM audit_log;");
        _time.Advance(TimeSpan.FromMinutes(5));
        await AppendAsync(sut, 3);

        var verification = await sut.VerifyAsync(checkpoint);

        Assert.True((await sut.VerifyAsync()).Intact);
        Assert.False(verification.Intact);
        Assert.Equal(3, verification.FirstBadSequence);
        Assert.Contains("does not match the checkpoint", verification.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CheckpointAsync_EmptyLog_ReturnsGenesis()
    {
        var sut = await CreateLogAsync();

        var checkpoint = await sut.CheckpointAsync();

        Assert.Equal(new AuditCheckpoint(0, s_genesis), checkpoint);
    }
}
