namespace AgentOps.Tools.ArgoCD.Tests;

/// <summary>Under <c>--read-only</c> the server reads, and refuses to change anything whatever the token allows.</summary>
public sealed class ArgoCdReadOnlyTests : IAsyncLifetime
{
    private ArgoCdHarness _sut = null!;

    public async Task InitializeAsync() => _sut = await ArgoCdHarness.StartAsync(settings: null, "--read-only");

    public async Task DisposeAsync() => await _sut.DisposeAsync();

    [Fact]
    public async Task ApplicationSync_ReadOnlyServer_RefusedBeforeArgoCd()
    {
        var result = await _sut.CallAsync("application_sync", new() { ["name"] = FakeArgoCdApi.Guestbook }, "argocd:*");

        Assert.True(result.IsError == true);
        Assert.Contains("read_only", ToolServerFixture.Text(result), StringComparison.Ordinal);
        Assert.Empty(_sut.Argo.AllRequests);
    }

    [Fact]
    public async Task ApplicationRollback_ReadOnlyServer_RefusedBeforeArgoCd()
    {
        var result = await _sut.CallAsync("application_rollback", new() { ["name"] = FakeArgoCdApi.PaymentsApi, ["id"] = 7 }, "argocd:*");

        Assert.True(result.IsError == true);
        Assert.Contains("read_only", ToolServerFixture.Text(result), StringComparison.Ordinal);
        Assert.Empty(_sut.Argo.AllRequests);
    }

    [Fact]
    public async Task ApplicationGet_ReadOnlyServer_StillReads()
    {
        var result = await _sut.CallAsync("application_get", new() { ["name"] = FakeArgoCdApi.PaymentsApi }, "argocd:read:app/payments-api");

        Assert.Equal("Synced", _sut.Structured(result).GetProperty("sync").GetProperty("status").GetString());
    }
}
