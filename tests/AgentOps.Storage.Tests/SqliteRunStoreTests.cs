using AgentOps.Core;
using Microsoft.Extensions.Time.Testing;

namespace AgentOps.Storage.Tests;

public sealed class SqliteRunStoreTests : IDisposable
{
    private readonly TestDirectory _directory = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 3, 1, 9, 30, 0, TimeSpan.Zero));

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task CreateAsync_FullRecord_GetReturnsEqualRecord()
    {
        var sut = await CreateStoreAsync();
        var run = NewRun("run-1") with
        {
            Status = RunStatus.AwaitingApproval,
            Skill = "database",
            PlanJson = """{"steps":[]}""",
            PlanDigest = "sha256:plan",
            NextStep = 2,
            StepResultsJson = """[{"ok":true}]""",
            DedupKey = "ticket-42",
            PullRequestId = "platform-gitops#3",
            Message = "waiting for approval",
            // A non-UTC offset: the store normalises to UTC, which must still be the same instant.
            CreatedAt = new DateTimeOffset(2025, 3, 1, 11, 30, 0, TimeSpan.FromHours(2)),
        };

        await sut.CreateAsync(run);

        Assert.Equal(run, await sut.GetAsync("run-1"));
    }

    [Fact]
    public async Task GetAsync_UnknownId_ReturnsNull()
    {
        var sut = await CreateStoreAsync();
        await sut.CreateAsync(NewRun("run-1"));

        Assert.Null(await sut.GetAsync("run-2"));
    }

    [Fact]
    public async Task CreateAsync_DuplicateId_ThrowsInvalidOperation()
    {
        var sut = await CreateStoreAsync();
        await sut.CreateAsync(NewRun("run-1"));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => sut.CreateAsync(NewRun("run-1")));

        Assert.Contains("run-1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UpdateAsync_Progress_PersistsMutableFieldsAndKeepsOrigin()
    {
        var sut = await CreateStoreAsync();
        var run = NewRun("run-1");
        await sut.CreateAsync(run);
        _time.Advance(TimeSpan.FromMinutes(3));
        var updated = run with
        {
            Requester = "user:mallory",
            DedupKey = "changed",
            Status = RunStatus.Completed,
            Skill = "database",
            PlanJson = "{}",
            PlanDigest = "sha256:plan",
            NextStep = 4,
            StepResultsJson = "[1,2,3,4]",
            PullRequestId = "platform-gitops#1",
            Message = "done",
            UpdatedAt = _time.GetUtcNow(),
        };

        await sut.UpdateAsync(updated);

        var stored = await sut.GetAsync("run-1");
        Assert.Equal(updated with { Requester = run.Requester, DedupKey = run.DedupKey }, stored);
    }

    [Fact]
    public async Task UpdateAsync_UnknownRun_ThrowsKeyNotFound()
    {
        var sut = await CreateStoreAsync();

        await Assert.ThrowsAsync<KeyNotFoundException>(() => sut.UpdateAsync(NewRun("run-404")));
    }

    [Fact]
    public async Task ListAsync_ThreeRuns_NewestFirstUpToLimit()
    {
        var sut = await CreateStoreAsync();
        foreach (var id in new[] { "run-1", "run-2", "run-3" })
        {
            await sut.CreateAsync(NewRun(id));
            _time.Advance(TimeSpan.FromSeconds(1));
        }

        var all = await sut.ListAsync();
        var limited = await sut.ListAsync(limit: 2);

        Assert.Equal(["run-3", "run-2", "run-1"], all.Select(r => r.Id));
        Assert.Equal(["run-3", "run-2"], limited.Select(r => r.Id));
    }

    [Fact]
    public async Task ListAsync_SameCreationTime_NewestInsertFirst()
    {
        var sut = await CreateStoreAsync();
        await sut.CreateAsync(NewRun("run-b"));
        await sut.CreateAsync(NewRun("run-a"));

        var runs = await sut.ListAsync();

        Assert.Equal(["run-a", "run-b"], runs.Select(r => r.Id));
    }

    [Fact]
    public async Task FindLiveByDedupKeyAsync_NewerRunFailed_ReturnsOlderLiveRun()
    {
        var sut = await CreateStoreAsync();
        await sut.CreateAsync(NewRun("run-live") with { DedupKey = "ticket-42", Status = RunStatus.Running });
        _time.Advance(TimeSpan.FromMinutes(1));
        await sut.CreateAsync(NewRun("run-failed") with { DedupKey = "ticket-42", Status = RunStatus.Failed });
        await sut.CreateAsync(NewRun("run-other") with { DedupKey = "ticket-7", Status = RunStatus.Running });

        var found = await sut.FindLiveByDedupKeyAsync("ticket-42");

        Assert.Equal("run-live", found?.Id);
    }

    [Fact]
    public async Task CreateAsync_SecondLiveRunForSameDedupKey_ThrowsDuplicateAndKeepsTheFirst()
    {
        var sut = await CreateStoreAsync();
        await sut.CreateAsync(NewRun("run-old") with { DedupKey = "ticket-42", Status = RunStatus.AwaitingReview });

        var error = await Assert.ThrowsAsync<DuplicateRunException>(() => sut.CreateAsync(NewRun("run-new") with { DedupKey = "ticket-42", Status = RunStatus.Planned }));

        Assert.Equal("ticket-42", error.DedupKey);
        Assert.Equal("run-old", (await sut.FindLiveByDedupKeyAsync("ticket-42"))?.Id);
        Assert.Null(await sut.GetAsync("run-new"));
    }

    [Fact]
    public async Task CreateAsync_SameDedupKeyAfterFirstRolledBack_Allowed()
    {
        var sut = await CreateStoreAsync();
        await sut.CreateAsync(NewRun("run-old") with { DedupKey = "ticket-42", Status = RunStatus.Planned });
        await sut.UpdateAsync((await sut.GetAsync("run-old"))! with { Status = RunStatus.RolledBack });

        await sut.CreateAsync(NewRun("run-new") with { DedupKey = "ticket-42", Status = RunStatus.Planned });

        Assert.Equal("run-new", (await sut.FindLiveByDedupKeyAsync("ticket-42"))?.Id);
    }

    [Fact]
    public async Task TryTransitionAsync_TwoClaimsOfOnePausedRun_OnlyOneWins()
    {
        var sut = await CreateStoreAsync();
        await sut.CreateAsync(NewRun("run-1") with { Status = RunStatus.AwaitingApproval });

        var first = await sut.TryTransitionAsync("run-1", RunStatus.AwaitingApproval, RunStatus.Running, _time.GetUtcNow());
        var second = await sut.TryTransitionAsync("run-1", RunStatus.AwaitingApproval, RunStatus.Running, _time.GetUtcNow());

        Assert.True(first);
        Assert.False(second);
        Assert.Equal(RunStatus.Running, (await sut.GetAsync("run-1"))!.Status);
    }

    [Theory]
    [InlineData(RunStatus.Failed)]
    [InlineData(RunStatus.RolledBack)]
    [InlineData(RunStatus.Refused)]
    [InlineData(RunStatus.NeedsInput)]
    public async Task FindLiveByDedupKeyAsync_OnlyFinishedWithoutEffect_ReturnsNull(RunStatus status)
    {
        var sut = await CreateStoreAsync();
        await sut.CreateAsync(NewRun("run-1") with { DedupKey = "ticket-42", Status = status });

        Assert.Null(await sut.FindLiveByDedupKeyAsync("ticket-42"));
    }

    [Fact]
    public async Task FindLiveByDedupKeyAsync_CompletedRun_ReturnsIt()
    {
        var sut = await CreateStoreAsync();
        await sut.CreateAsync(NewRun("run-1") with { DedupKey = "ticket-42", Status = RunStatus.Completed });

        var found = await sut.FindLiveByDedupKeyAsync("ticket-42");

        Assert.Equal(RunStatus.Completed, found?.Status);
    }

    [Fact]
    public async Task CreateAsync_Run_StoresStatusNameAndUtcIsoTime()
    {
        var sut = await CreateStoreAsync();

        await sut.CreateAsync(NewRun("run-1") with { Status = RunStatus.AwaitingReview });

        Assert.Equal("AwaitingReview", await _directory.QueryScalarAsync("SELECT status FROM runs WHERE id = 'run-1';"));
        Assert.Equal("2025-03-01T09:30:00.0000000Z", await _directory.QueryScalarAsync("SELECT created_at FROM runs WHERE id = 'run-1';"));
    }

    private async Task<SqliteRunStore> CreateStoreAsync() => new(await SqliteDatabase.OpenAsync(_directory.DatabasePath));

    private RunRecord NewRun(string id) => new(
        Id: id,
        Requester: "user:alice",
        Channel: "cli",
        GoalText: "create a postgres database for payments",
        Status: RunStatus.Planned,
        Skill: null,
        PlanJson: null,
        PlanDigest: null,
        NextStep: 0,
        StepResultsJson: "[]",
        DedupKey: null,
        PullRequestId: null,
        Message: null,
        CreatedAt: _time.GetUtcNow(),
        UpdatedAt: _time.GetUtcNow());
}
