namespace AgentOps.Storage.Tests;

/// <summary>Checking only what was appended since a checkpoint, as every CLI command does before moving it forward.</summary>
public sealed partial class SqliteAuditLogTests
{
    [Fact]
    public async Task VerifySinceAsync_RecordsAppendedAfterTheCheckpoint_AreIntact_AndOnlyTheyAreRead()
    {
        var sut = await CreateLogAsync();
        await AppendAsync(sut, 5);
        var checkpoint = await sut.CheckpointAsync();
        await AppendAsync(sut, 3, runPrefix: "later");

        var verification = await sut.VerifySinceAsync(checkpoint);

        Assert.True(verification.Intact, verification.Problem);
        Assert.Equal(3, verification.RecordsChecked);
    }

    [Theory]
    [InlineData("UPDATE audit_log SET outcome = 'denied' WHERE sequence = 7;", 7)]
    [InlineData("DELETE FROM audit_log WHERE sequence = 6;", 7)]
    [InlineData("UPDATE audit_log SET outcome = 'denied' WHERE sequence = 5;", 5)]
    [InlineData("DELETE FROM audit_log WHERE sequence = 5;", 5)]
    [InlineData("UPDATE audit_log SET hash = 'sha256:' || lower(hex(randomblob(32))) WHERE sequence = 5;", 5)]
    public async Task VerifySinceAsync_ChangeAtOrAfterTheCheckpoint_IsFound(string tamper, long firstBad)
    {
        var sut = await CreateLogAsync();
        await AppendAsync(sut, 5);
        var checkpoint = await sut.CheckpointAsync();
        await AppendAsync(sut, 3, runPrefix: "later");
        await _directory.ExecuteRawAsync(tamper);

        var verification = await sut.VerifySinceAsync(checkpoint);

        Assert.False(verification.Intact);
        Assert.Equal(firstBad, verification.FirstBadSequence);
    }

    [Fact]
    public async Task VerifySinceAsync_WholeChainRehashedWithAChangeBelow_IsFoundAtTheCheckpointRecord()
    {
        var sut = await CreateLogAsync();
        await AppendAsync(sut, 5);
        var checkpoint = await sut.CheckpointAsync();
        var records = await sut.ReadAsync();
        var previous = s_genesis;
        foreach (var record in records)
        {
            var changed = record with { Outcome = record.Sequence == 2 ? "allowed" : record.Outcome, PrevHash = previous };
            changed = changed with { Hash = AuditRecordJson.ComputeHash(changed) };
            await _directory.ExecuteRawAsync($"UPDATE audit_log SET outcome = '{changed.Outcome}', prev_hash = '{changed.PrevHash}', hash = '{changed.Hash}' WHERE sequence = {changed.Sequence};");
            previous = changed.Hash;
        }

        Assert.True((await sut.VerifyAsync()).Intact);
        var verification = await sut.VerifySinceAsync(checkpoint);

        Assert.False(verification.Intact);
        Assert.Equal(5, verification.FirstBadSequence);
    }

    [Fact]
    public async Task VerifySinceAsync_ChangeBelowTheCheckpointNotRehashed_IsLeftToTheFullVerify()
    {
        var sut = await CreateLogAsync();
        await AppendAsync(sut, 5);
        var checkpoint = await sut.CheckpointAsync();
        await _directory.ExecuteRawAsync("UPDATE audit_log SET outcome = 'denied' WHERE sequence = 2;");

        Assert.True((await sut.VerifySinceAsync(checkpoint)).Intact);
        Assert.Equal(2, (await sut.VerifyAsync(checkpoint)).FirstBadSequence);
    }

    [Fact]
    public async Task VerifySinceAsync_FromTheEmptyLog_ChecksEverything()
    {
        var sut = await CreateLogAsync();
        await AppendAsync(sut, 4);

        Assert.Equal(4, (await sut.VerifySinceAsync(new AuditCheckpoint(0, s_genesis))).RecordsChecked);
    }
}
