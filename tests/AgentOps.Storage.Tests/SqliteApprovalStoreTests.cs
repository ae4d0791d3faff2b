using AgentOps.Core;

namespace AgentOps.Storage.Tests;

public sealed class SqliteApprovalStoreTests : IDisposable
{
    private static readonly DateTimeOffset s_at = new(2025, 3, 1, 9, 30, 0, TimeSpan.Zero);
    private readonly TestDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task ListAsync_ApprovalsOfTwoDigests_ReturnsOnlyTheAskedDigestOldestFirst()
    {
        var sut = await CreateStoreAsync();
        await sut.GrantAsync(new RunApproval("run-1", "sha256:a", "carol@example.com", s_at.AddMinutes(5)));
        await sut.GrantAsync(new RunApproval("run-1", "sha256:a", "bob@example.com", s_at));
        await sut.GrantAsync(new RunApproval("run-1", "sha256:b", "dave@example.com", s_at));

        var approvals = await sut.ListAsync("run-1", "sha256:a");

        Assert.Equal(["bob@example.com", "carol@example.com"], approvals.Select(a => a.Approver));
        Assert.Empty(await sut.ListAsync("run-2", "sha256:a"));
    }

    [Fact]
    public async Task GrantAsync_BreakGlassWithReason_RoundTrips()
    {
        var sut = await CreateStoreAsync();
        var approval = new RunApproval("run-1", "sha256:a", "bob@example.com", s_at, BreakGlass: true, Reason: "INC-4711");

        await sut.GrantAsync(approval);

        Assert.Equal(approval, Assert.Single(await sut.ListAsync("run-1", "sha256:a")));
    }

    [Fact]
    public async Task GrantAsync_SameApproverAgain_RenewsTheApprovalInsteadOfAddingOne()
    {
        var sut = await CreateStoreAsync();
        await sut.GrantAsync(new RunApproval("run-1", "sha256:a", "bob@example.com", s_at));

        await sut.GrantAsync(new RunApproval("run-1", "sha256:a", "bob@example.com", s_at.AddHours(3)));

        Assert.Equal(s_at.AddHours(3), Assert.Single(await sut.ListAsync("run-1", "sha256:a")).ApprovedAt);
    }

    private async Task<SqliteApprovalStore> CreateStoreAsync() =>
        new(await SqliteDatabase.OpenAsync(_directory.DatabasePath));
}
