using AgentOps.Core;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;

namespace AgentOps.Storage.Tests;

public sealed class SqlitePullRequestStoreTests : IDisposable
{
    private readonly TestDirectory _directory = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 3, 1, 9, 30, 0, TimeSpan.Zero));

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task CreateAsync_TwoInOneRepository_Numbered1Then2()
    {
        var sut = await CreateStoreAsync();

        var first = await sut.CreateAsync(Draft("platform-gitops"));
        var second = await sut.CreateAsync(Draft("platform-gitops"));

        Assert.Equal(1, first.Number);
        Assert.Equal(2, second.Number);
    }

    [Fact]
    public async Task CreateAsync_DifferentRepositories_NumberedIndependently()
    {
        var sut = await CreateStoreAsync();
        await sut.CreateAsync(Draft("platform-gitops"));
        await sut.CreateAsync(Draft("platform-gitops"));

        var other = await sut.CreateAsync(Draft("app-config"));

        Assert.Equal(1, other.Number);
        Assert.Equal("app-config", (await sut.GetAsync("app-config", 1))?.Repository);
    }

    [Fact]
    public async Task CreateAsync_TwoDatabaseInstancesInParallel_NumbersNeverCollide()
    {
        var first = new SqlitePullRequestStore(await SqliteDatabase.OpenAsync(_directory.DatabasePath));
        var sut = new SqlitePullRequestStore(await SqliteDatabase.OpenAsync(_directory.DatabasePath));

        async Task<long[]> CreateManyAsync(SqlitePullRequestStore store)
        {
            var numbers = new long[20];
            for (var i = 0; i < numbers.Length; i++)
            {
                numbers[i] = (await store.CreateAsync(Draft("platform-gitops"))).Number;
            }
            return numbers;
        }
        var results = await Task.WhenAll(Task.Run(() => CreateManyAsync(first)), Task.Run(() => CreateManyAsync(sut)));

        Assert.Equal(Enumerable.Range(1, 40).Select(i => (long)i), results.SelectMany(n => n).Order());
    }

    [Fact]
    public async Task GetAsync_Created_ReturnsEqualRecord()
    {
        var sut = await CreateStoreAsync();

        var created = await sut.CreateAsync(Draft("platform-gitops") with { RunId = "run-9" });

        Assert.Equal(created, await sut.GetAsync("platform-gitops", created.Number));
        Assert.Null(await sut.GetAsync("platform-gitops", created.Number + 1));
        Assert.Null(await sut.GetAsync("app-config", created.Number));
    }

    [Fact]
    public async Task UpdateAsync_Merged_PersistsStateAndMergeDetails()
    {
        var sut = await CreateStoreAsync();
        var created = await sut.CreateAsync(Draft("platform-gitops"));
        _time.Advance(TimeSpan.FromHours(1));
        var merged = created with
        {
            State = PullRequestState.Merged,
            MergedBy = "user:bob",
            MergeCommit = "0123abcd",
            UpdatedAt = _time.GetUtcNow(),
        };

        await sut.UpdateAsync(merged);

        Assert.Equal(merged, await sut.GetAsync("platform-gitops", created.Number));
    }

    [Fact]
    public async Task UpdateAsync_UnknownPullRequest_ThrowsKeyNotFound()
    {
        var sut = await CreateStoreAsync();

        await Assert.ThrowsAsync<KeyNotFoundException>(() => sut.UpdateAsync(Draft("platform-gitops") with { Number = 5 }));
    }

    [Fact]
    public async Task ListAsync_Filters_MatchRepositoryAndStateNewestFirst()
    {
        var sut = await CreateStoreAsync();
        var a1 = await CreateAsync(sut, "platform-gitops", PullRequestState.Open);
        var a2 = await CreateAsync(sut, "platform-gitops", PullRequestState.Merged);
        var b1 = await CreateAsync(sut, "app-config", PullRequestState.Open);
        var a3 = await CreateAsync(sut, "platform-gitops", PullRequestState.Open);

        var all = await sut.ListAsync();
        var open = await sut.ListAsync(state: PullRequestState.Open);
        var openInRepo = await sut.ListAsync("platform-gitops", PullRequestState.Open);
        var closed = await sut.ListAsync(state: PullRequestState.Closed);

        Assert.Equal([a3, b1, a2, a1], all);
        Assert.Equal([a3, b1, a1], open);
        Assert.Equal([a3, a1], openInRepo);
        Assert.Empty(closed);
    }

    [Fact]
    public async Task AddApprovalAsync_SameApproverTwice_KeepsFirstApprovalOnly()
    {
        var sut = await CreateStoreAsync();
        var pr = await sut.CreateAsync(Draft("platform-gitops"));
        var firstTime = _time.GetUtcNow();

        await sut.AddApprovalAsync("platform-gitops", new PullRequestApproval(pr.Number, "user:bob", firstTime));
        await sut.AddApprovalAsync("platform-gitops", new PullRequestApproval(pr.Number, "user:bob", firstTime.AddMinutes(5)));
        await sut.AddApprovalAsync("platform-gitops", new PullRequestApproval(pr.Number, "user:carol", firstTime.AddMinutes(6)));

        var approvals = await sut.ListApprovalsAsync("platform-gitops", pr.Number);
        Assert.Equal(
            [new PullRequestApproval(pr.Number, "user:bob", firstTime), new PullRequestApproval(pr.Number, "user:carol", firstTime.AddMinutes(6))],
            approvals);
    }

    [Fact]
    public async Task AddApprovalAsync_SameNumberOtherRepository_KeptApart()
    {
        var sut = await CreateStoreAsync();
        await sut.CreateAsync(Draft("platform-gitops"));
        await sut.CreateAsync(Draft("app-config"));

        await sut.AddApprovalAsync("app-config", new PullRequestApproval(1, "user:bob", _time.GetUtcNow()));

        Assert.Empty(await sut.ListApprovalsAsync("platform-gitops", 1));
        Assert.Equal("user:bob", Assert.Single(await sut.ListApprovalsAsync("app-config", 1)).Approver);
    }

    [Fact]
    public async Task AddApprovalAsync_UnknownPullRequest_ThrowsKeyNotFound()
    {
        var sut = await CreateStoreAsync();

        var error = await Assert.ThrowsAsync<KeyNotFoundException>(
            () => sut.AddApprovalAsync("platform-gitops", new PullRequestApproval(3, "user:bob", _time.GetUtcNow())));

        Assert.Contains("platform-gitops#3", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetAsync_AfterDatabaseReopened_StateSurvivesAndNumberingContinues()
    {
        var before = await CreateStoreAsync();
        var created = await before.CreateAsync(Draft("platform-gitops"));
        await before.AddApprovalAsync("platform-gitops", new PullRequestApproval(created.Number, "user:bob", _time.GetUtcNow()));
        // Drops pooled connections so the second open really starts from the file, as after a restart.
        SqliteConnection.ClearAllPools();

        var sut = await CreateStoreAsync();

        Assert.Equal(created, await sut.GetAsync("platform-gitops", created.Number));
        Assert.Equal("user:bob", Assert.Single(await sut.ListApprovalsAsync("platform-gitops", created.Number)).Approver);
        Assert.Equal(2, (await sut.CreateAsync(Draft("platform-gitops"))).Number);
    }

    private async Task<SqlitePullRequestStore> CreateStoreAsync() => new(await SqliteDatabase.OpenAsync(_directory.DatabasePath));

    private async Task<PullRequestRecord> CreateAsync(SqlitePullRequestStore store, string repository, PullRequestState state)
    {
        var record = await store.CreateAsync(Draft(repository) with { State = state });
        _time.Advance(TimeSpan.FromSeconds(1));
        return record;
    }

    private PullRequestRecord Draft(string repository) => new(
        Number: 0,
        Repository: repository,
        SourceBranch: "agentops/run-1",
        TargetBranch: "main",
        Title: "Add payments database",
        Body: "Created by AgentOps.",
        Author: "agent:gitops",
        Requester: "user:alice",
        State: PullRequestState.Open,
        RunId: null,
        CreatedAt: _time.GetUtcNow(),
        UpdatedAt: _time.GetUtcNow());
}
