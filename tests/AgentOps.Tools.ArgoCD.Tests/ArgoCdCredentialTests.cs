using ModelContextProtocol.Protocol;

namespace AgentOps.Tools.ArgoCD.Tests;

/// <summary>The caller's delegated token at the boundary: every bad one is refused, and a refused call never reaches ArgoCD.</summary>
public sealed class ArgoCdCredentialTests : IAsyncLifetime
{
    private const string SyncScope = "argocd:sync:app/guestbook";
    private ArgoCdHarness _sut = null!;

    public async Task InitializeAsync() => _sut = await ArgoCdHarness.StartAsync();

    public async Task DisposeAsync() => await _sut.DisposeAsync();

    private static Dictionary<string, object?> SyncGuestbook() => new() { ["name"] = FakeArgoCdApi.Guestbook };

    [Fact]
    public async Task ApplicationSync_NoToken_Refused()
    {
        var result = await _sut.Server.CallAsync("application_sync", SyncGuestbook(), token: null);

        AssertRefusedBeforeArgoCd(result, "missing_token");
    }

    [Fact]
    public async Task ApplicationSync_ExpiredToken_Refused()
    {
        var token = _sut.Server.Token(SyncScope, mintedAt: TimeProvider.System.GetUtcNow().AddHours(-1));

        var result = await _sut.Server.CallAsync("application_sync", SyncGuestbook(), token);

        AssertRefusedBeforeArgoCd(result, "expired");
    }

    [Fact]
    public async Task ApplicationSync_TokenForAnotherServer_Refused()
    {
        var token = _sut.Server.Token(SyncScope, audience: "spiffe://agentops.local/tool/kubectl");

        var result = await _sut.Server.CallAsync("application_sync", SyncGuestbook(), token);

        AssertRefusedBeforeArgoCd(result, "wrong_audience");
    }

    [Fact]
    public async Task ApplicationSync_ReadScopeOnly_Refused()
    {
        var result = await _sut.CallAsync("application_sync", SyncGuestbook(), "argocd:read:app/guestbook");

        AssertRefusedBeforeArgoCd(result, "insufficient_scope");
    }

    [Fact]
    public async Task ApplicationRollback_SyncScope_Refused()
    {
        var result = await _sut.CallAsync("application_rollback", new() { ["name"] = FakeArgoCdApi.Guestbook, ["id"] = 1 }, SyncScope);

        AssertRefusedBeforeArgoCd(result, "insufficient_scope");
    }

    [Fact]
    public async Task ApplicationSync_TokenForAnotherApplication_Refused()
    {
        var result = await _sut.CallAsync("application_sync", new() { ["name"] = FakeArgoCdApi.PaymentsApi }, SyncScope);

        AssertRefusedBeforeArgoCd(result, "insufficient_scope");
    }

    [Fact]
    public async Task ApplicationGet_TokenForAnotherApplication_Refused()
    {
        var result = await _sut.CallAsync("application_get", new() { ["name"] = FakeArgoCdApi.PaymentsApi }, "argocd:read:app/guestbook");

        AssertRefusedBeforeArgoCd(result, "insufficient_scope");
    }

    [Fact]
    public async Task ApplicationsList_ScopeForOneApplication_Refused()
    {
        var result = await _sut.CallAsync("applications_list", [], "argocd:read:app/guestbook");

        AssertRefusedBeforeArgoCd(result, "insufficient_scope");
    }

    [Fact]
    public async Task ApplicationSync_PrefixTokenAndTraversalName_Refused()
    {
        // A prefix scope for "guest*" must not stretch to a name that walks out of the application path.
        var result = await _sut.CallAsync("application_sync", new() { ["name"] = "guestbook/../payments-api" }, "argocd:sync:app/guest*");

        AssertRefusedBeforeArgoCd(result, "insufficient_scope");
    }

    [Fact]
    public async Task ApplicationSync_TokenUsedTwice_SecondRefused()
    {
        var token = _sut.Server.Token(SyncScope);

        var first = await _sut.Server.CallAsync("application_sync", SyncGuestbook(), token);
        var second = await _sut.Server.CallAsync("application_sync", SyncGuestbook(), token);

        Assert.True(first.IsError != true, ToolServerFixture.Text(first));
        AssertRefused(second, "replayed");
        Assert.Single(_sut.Argo.Requests("POST", FakeArgoCdApi.SyncPath(FakeArgoCdApi.Guestbook)));
    }

    private static void AssertRefused(CallToolResult result, string reason)
    {
        Assert.True(result.IsError == true);
        var text = ToolServerFixture.Text(result);
        Assert.Contains("credential refused", text, StringComparison.Ordinal);
        Assert.Contains(reason, text, StringComparison.Ordinal);
    }

    // A refusal happens at the boundary: ArgoCD never hears of the call.
    private void AssertRefusedBeforeArgoCd(CallToolResult result, string reason)
    {
        AssertRefused(result, reason);
        Assert.Empty(_sut.Argo.AllRequests);
    }
}
