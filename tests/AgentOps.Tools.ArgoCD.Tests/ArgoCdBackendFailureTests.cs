using System.Net;

namespace AgentOps.Tools.ArgoCD.Tests;

/// <summary>
/// ArgoCD failing in every way it can: each becomes a clear tool error, never a crash or a hang. Reads are retried;
/// a sync or rollback is sent once, because the first may have started an operation even if its answer was lost.
/// </summary>
public sealed class ArgoCdBackendFailureTests
{
    // Guards the test run against a hang; the server's own timeouts are seconds, so this never decides a pass.
    private static readonly TimeSpan s_hangGuard = TimeSpan.FromSeconds(60);

    private static readonly Dictionary<string, string?> s_shortTimeouts = new(StringComparer.Ordinal)
    {
        ["AgentOps__ArgoCD__AttemptTimeout"] = "00:00:01",
        ["AgentOps__ArgoCD__TotalTimeout"] = "00:00:20",
    };

    [Fact]
    public async Task ApplicationGet_ArgoCdAnswers500_RetriedThenClearError()
    {
        await using var sut = await ArgoCdHarness.StartAsync();
        var path = FakeArgoCdApi.ApplicationPath(FakeArgoCdApi.Guestbook);
        sut.Argo.Fail("GET", path, HttpStatusCode.InternalServerError, "rpc error: code = Unknown desc = repository not accessible");

        var result = await sut.CallAsync("application_get", new() { ["name"] = FakeArgoCdApi.Guestbook }, "argocd:read:app/guestbook").WaitAsync(s_hangGuard);

        Assert.True(result.IsError == true);
        var text = ToolServerFixture.Text(result);
        Assert.Contains("ArgoCD answered 500 for GET /api/v1/applications/guestbook after 3 attempts", text, StringComparison.Ordinal);
        Assert.Contains("repository not accessible", text, StringComparison.Ordinal);
        Assert.Equal(3, sut.Argo.Requests("GET", path).Count);
    }

    [Fact]
    public async Task ApplicationSync_ArgoCdAnswers500_SentExactlyOnce()
    {
        await using var sut = await ArgoCdHarness.StartAsync();
        var path = FakeArgoCdApi.SyncPath(FakeArgoCdApi.Guestbook);
        sut.Argo.Fail("POST", path, HttpStatusCode.InternalServerError);

        var result = await sut.CallAsync("application_sync", new() { ["name"] = FakeArgoCdApi.Guestbook }, "argocd:sync:app/guestbook").WaitAsync(s_hangGuard);

        Assert.True(result.IsError == true);
        Assert.Contains(
            "ArgoCD answered 500 for POST /api/v1/applications/guestbook/sync after 1 attempt (writes are never retried)",
            ToolServerFixture.Text(result),
            StringComparison.Ordinal);
        Assert.Single(sut.Argo.Requests("POST", path));
    }

    [Fact]
    public async Task ApplicationRollback_ArgoCdAnswers503_SentExactlyOnce()
    {
        await using var sut = await ArgoCdHarness.StartAsync();
        var path = FakeArgoCdApi.RollbackPath(FakeArgoCdApi.PaymentsApi);
        sut.Argo.Fail("POST", path, HttpStatusCode.ServiceUnavailable, "the server is shutting down");

        var result = await sut.CallAsync("application_rollback", new() { ["name"] = FakeArgoCdApi.PaymentsApi, ["id"] = 7 }, "argocd:rollback:app/payments-api").WaitAsync(s_hangGuard);

        Assert.True(result.IsError == true);
        Assert.Contains("ArgoCD answered 503 for POST /api/v1/applications/payments-api/rollback after 1 attempt", ToolServerFixture.Text(result), StringComparison.Ordinal);
        Assert.Single(sut.Argo.Requests("POST", path));
    }

    [Fact]
    public async Task ApplicationHistory_ArgoCdTooSlow_TimesOutAfterRetries()
    {
        await using var sut = await ArgoCdHarness.StartAsync(s_shortTimeouts);
        var path = FakeArgoCdApi.ApplicationPath(FakeArgoCdApi.Guestbook);
        sut.Argo.Delay("GET", path, TimeSpan.FromSeconds(30));

        var result = await sut.CallAsync("application_history", new() { ["name"] = FakeArgoCdApi.Guestbook }, "argocd:read:app/guestbook").WaitAsync(s_hangGuard);

        Assert.True(result.IsError == true);
        var text = ToolServerFixture.Text(result);
        Assert.Contains("ArgoCD did not answer GET /api/v1/applications/guestbook in time (1 s per attempt, 20 s in all) after 3 attempts", text, StringComparison.Ordinal);
        // The server counted three attempts; the fake saw at least the first two (the last may have been abandoned
        // before the fake read it) and never more than three.
        Assert.InRange((await sut.Argo.RequestsAsync("GET", path, 3, TimeSpan.FromSeconds(10))).Count, 2, 3);
    }

    [Fact]
    public async Task ApplicationSync_ArgoCdTooSlow_TimesOutWithoutRetry()
    {
        await using var sut = await ArgoCdHarness.StartAsync(s_shortTimeouts);
        var path = FakeArgoCdApi.SyncPath(FakeArgoCdApi.Guestbook);
        sut.Argo.Delay("POST", path, TimeSpan.FromSeconds(30));

        var result = await sut.CallAsync("application_sync", new() { ["name"] = FakeArgoCdApi.Guestbook }, "argocd:sync:app/guestbook").WaitAsync(s_hangGuard);

        Assert.True(result.IsError == true);
        var text = ToolServerFixture.Text(result);
        Assert.Contains("ArgoCD did not answer POST /api/v1/applications/guestbook/sync in time", text, StringComparison.Ordinal);
        Assert.Contains("after 1 attempt (writes are never retried)", text, StringComparison.Ordinal);
        Assert.Contains("check application_get before asking again", text, StringComparison.Ordinal);
        Assert.Single(await sut.Argo.RequestsAsync("POST", path, 2, TimeSpan.FromSeconds(3)));
    }

    [Fact]
    public async Task ApplicationsList_ArgoCdUnreachable_ClearError()
    {
        var closed = $"http://127.0.0.1:{FakeArgoCdApi.FreeLoopbackPort()}";
        await using var sut = await ArgoCdHarness.StartAsync(new Dictionary<string, string?> { ["AgentOps__ArgoCD__BaseUrl"] = closed });

        var result = await sut.CallAsync("applications_list", [], "argocd:read:apps").WaitAsync(s_hangGuard);

        Assert.True(result.IsError == true);
        Assert.Contains($"ArgoCD at {closed}/ is unreachable for GET /api/v1/applications after 3 attempts", ToolServerFixture.Text(result), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ApplicationGet_ArgoCdRejectsServerToken_ClearErrorWithoutTheToken()
    {
        const string rejected = "argocd-revoked-account-token-0001";
        await using var sut = await ArgoCdHarness.StartAsync(new Dictionary<string, string?> { ["ARGOCD_AUTH_TOKEN"] = rejected });

        var result = await sut.CallAsync("application_get", new() { ["name"] = FakeArgoCdApi.Guestbook }, "argocd:read:app/guestbook").WaitAsync(s_hangGuard);

        Assert.True(result.IsError == true);
        var text = ToolServerFixture.Text(result);
        Assert.Contains("ArgoCD answered 401 for GET /api/v1/applications/guestbook: it does not accept this server's ArgoCD token", text, StringComparison.Ordinal);
        Assert.Contains("invalid session", text, StringComparison.Ordinal);
        Assert.DoesNotContain(rejected, text, StringComparison.Ordinal);
        // An authentication failure is not transient: one attempt only.
        Assert.Single(sut.Argo.Requests("GET", FakeArgoCdApi.ApplicationPath(FakeArgoCdApi.Guestbook)));
    }

    [Fact]
    public async Task ApplicationSync_ArgoCdRbacDenies_ClearError()
    {
        await using var sut = await ArgoCdHarness.StartAsync();
        sut.Argo.Fail("POST", FakeArgoCdApi.SyncPath(FakeArgoCdApi.Guestbook), HttpStatusCode.Forbidden, "permission denied: applications, sync, default/guestbook, sub: agentops");

        var result = await sut.CallAsync("application_sync", new() { ["name"] = FakeArgoCdApi.Guestbook }, "argocd:sync:app/guestbook").WaitAsync(s_hangGuard);

        Assert.True(result.IsError == true);
        var text = ToolServerFixture.Text(result);
        Assert.Contains("ArgoCD answered 403 for POST /api/v1/applications/guestbook/sync: the ArgoCD account behind this server's token lacks the RBAC permission", text, StringComparison.Ordinal);
        Assert.Contains("permission denied: applications, sync, default/guestbook", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ApplicationGet_ArgoCdErrorQuotesASecret_QuoteRedacted()
    {
        await using var sut = await ArgoCdHarness.StartAsync();
        sut.Argo.Fail("GET", FakeArgoCdApi.ApplicationPath(FakeArgoCdApi.Guestbook), HttpStatusCode.BadRequest, "cannot clone with " + FakeArgoCdApi.AnnotatedGitHubToken);

        var result = await sut.CallAsync("application_get", new() { ["name"] = FakeArgoCdApi.Guestbook }, "argocd:read:app/guestbook").WaitAsync(s_hangGuard);

        Assert.True(result.IsError == true);
        var text = ToolServerFixture.Text(result);
        Assert.Contains("ArgoCD said: cannot clone with [REDACTED:github-token]", text, StringComparison.Ordinal);
        Assert.DoesNotContain(FakeArgoCdApi.AnnotatedGitHubToken, text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ApplicationGet_AfterAFailure_ServerStillServes()
    {
        await using var sut = await ArgoCdHarness.StartAsync();
        sut.Argo.Fail("GET", FakeArgoCdApi.ApplicationPath(FakeArgoCdApi.Guestbook), HttpStatusCode.InternalServerError);

        var failed = await sut.CallAsync("application_get", new() { ["name"] = FakeArgoCdApi.Guestbook }, "argocd:read:app/guestbook").WaitAsync(s_hangGuard);
        var next = await sut.CallAsync("application_get", new() { ["name"] = FakeArgoCdApi.PaymentsApi }, "argocd:read:app/payments-api").WaitAsync(s_hangGuard);

        Assert.True(failed.IsError == true);
        Assert.Equal("Healthy", sut.Structured(next).GetProperty("health").GetProperty("status").GetString());
    }
}
