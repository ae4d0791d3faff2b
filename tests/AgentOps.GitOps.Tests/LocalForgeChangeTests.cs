namespace AgentOps.GitOps.Tests;

/// <summary>What a pull request changes, as CODEOWNERS ownership (L3) judges it.</summary>
public sealed class LocalForgeChangeTests : IAsyncLifetime
{
    private const string Branch = "agentops/run-1";
    private TestForge _forge = null!;

    public async Task InitializeAsync() => _forge = await TestForge.CreateAsync();

    public Task DisposeAsync()
    {
        _forge.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task ChangeAsync_PushedBranch_ListsTheChangedPathsAndTheTip()
    {
        var sut = _forge.Forge;
        var tip = _forge.PushBranch(Branch, new FileChange("platform/payments/db.yaml", "kind: Database\n"), new FileChange("platform/production/app.yaml", "x: 1\n"));
        var pr = await sut.OpenAsync(_forge.Draft(Branch));

        var change = await sut.ChangeAsync(TestForge.Repo, pr.Number);

        Assert.Equal(["platform/payments/db.yaml", "platform/production/app.yaml"], change.Paths);
        Assert.Equal(tip, change.HeadSha);
    }
}
