namespace AgentOps.Tools.ArgoCD.Tests;

/// <summary>Sync and rollback: what reaches ArgoCD (prune off unless asked, dry-run passed through) and what comes back.</summary>
public sealed class ArgoCdWriteToolTests : IAsyncLifetime
{
    private ArgoCdHarness _sut = null!;

    public async Task InitializeAsync() => _sut = await ArgoCdHarness.StartAsync();

    public async Task DisposeAsync() => await _sut.DisposeAsync();

    [Fact]
    public async Task ApplicationSync_NoOptions_SendsPruneFalseAndDryRunFalse()
    {
        var result = await _sut.CallAsync("application_sync", new() { ["name"] = FakeArgoCdApi.Guestbook }, "argocd:sync:app/guestbook");

        var started = _sut.Structured(result);
        var body = Assert.Single(_sut.Argo.Bodies("POST", FakeArgoCdApi.SyncPath(FakeArgoCdApi.Guestbook)));
        Assert.Equal(FakeArgoCdApi.Guestbook, body["name"]!.GetValue<string>());
        Assert.False(body["prune"]!.GetValue<bool>());
        Assert.False(body["dryRun"]!.GetValue<bool>());
        Assert.False(body.ContainsKey("revision"));
        Assert.False(started.GetProperty("prune").GetBoolean());
        Assert.False(started.GetProperty("dryRun").GetBoolean());
        Assert.Equal("sync", started.GetProperty("operation").GetString());
        Assert.Equal("HEAD", started.GetProperty("revision").GetString());
    }

    [Fact]
    public async Task ApplicationSync_Provenance_RecordedOnTheOperation()
    {
        await _sut.CallAsync("application_sync", new() { ["name"] = FakeArgoCdApi.Guestbook }, "argocd:sync:app/guestbook");

        var infos = Assert.Single(_sut.Argo.Bodies("POST", FakeArgoCdApi.SyncPath(FakeArgoCdApi.Guestbook)))["infos"]!.AsArray()
            .ToDictionary(i => i!["name"]!.GetValue<string>(), i => i!["value"]!.GetValue<string>(), StringComparer.Ordinal);
        Assert.Equal(ToolServerFixture.Human, infos["agentops-requested-by"]);
        Assert.Equal("spiffe://agentops.local/agent/infra-provisioner", infos["agentops-agent"]);
    }

    [Fact]
    public async Task ApplicationSync_DryRunAndRevision_PassedThrough()
    {
        var result = await _sut.CallAsync(
            "application_sync",
            new() { ["name"] = FakeArgoCdApi.Guestbook, ["revision"] = "v1.4.2", ["dry_run"] = true },
            "argocd:sync:app/guestbook");

        var started = _sut.Structured(result);
        var body = Assert.Single(_sut.Argo.Bodies("POST", FakeArgoCdApi.SyncPath(FakeArgoCdApi.Guestbook)));
        Assert.True(body["dryRun"]!.GetValue<bool>());
        Assert.Equal("v1.4.2", body["revision"]!.GetValue<string>());
        Assert.False(body["prune"]!.GetValue<bool>());
        Assert.True(started.GetProperty("dryRun").GetBoolean());
        Assert.Equal("v1.4.2", started.GetProperty("revision").GetString());
        Assert.Contains("dry-run", started.GetProperty("note").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ApplicationSync_PruneAskedFor_SendsPruneTrue()
    {
        var result = await _sut.CallAsync("application_sync", new() { ["name"] = FakeArgoCdApi.Guestbook, ["prune"] = true }, "argocd:sync:app/guestbook");

        Assert.True(_sut.Structured(result).GetProperty("prune").GetBoolean());
        Assert.True(Assert.Single(_sut.Argo.Bodies("POST", FakeArgoCdApi.SyncPath(FakeArgoCdApi.Guestbook)))["prune"]!.GetValue<bool>());
    }

    [Fact]
    public async Task ApplicationSync_RevisionWithSpaces_IsErrorAndNothingSent()
    {
        var result = await _sut.CallAsync("application_sync", new() { ["name"] = FakeArgoCdApi.Guestbook, ["revision"] = "main; rm -rf" }, "argocd:sync:app/guestbook");

        Assert.True(result.IsError == true);
        Assert.Contains("revision must be", ToolServerFixture.Text(result), StringComparison.Ordinal);
        Assert.Empty(_sut.Argo.Requests("POST", FakeArgoCdApi.SyncPath(FakeArgoCdApi.Guestbook)));
    }

    [Fact]
    public async Task ApplicationRollback_HistoryId_SendsIdWithPruneOff()
    {
        var result = await _sut.CallAsync("application_rollback", new() { ["name"] = FakeArgoCdApi.PaymentsApi, ["id"] = 7 }, "argocd:rollback:app/payments-api");

        var started = _sut.Structured(result);
        var body = Assert.Single(_sut.Argo.Bodies("POST", FakeArgoCdApi.RollbackPath(FakeArgoCdApi.PaymentsApi)));
        Assert.Equal(7, body["id"]!.GetValue<long>());
        Assert.False(body["prune"]!.GetValue<bool>());
        Assert.False(body["dryRun"]!.GetValue<bool>());
        Assert.Equal(FakeArgoCdApi.PaymentsApi, body["name"]!.GetValue<string>());
        Assert.Equal("rollback", started.GetProperty("operation").GetString());
        Assert.Equal(7, started.GetProperty("historyId").GetInt64());
        Assert.Equal(FakeArgoCdApi.GuestbookPreviousRevision, started.GetProperty("revision").GetString());
    }

    [Fact]
    public async Task ApplicationRollback_DryRun_PassedThrough()
    {
        var result = await _sut.CallAsync("application_rollback", new() { ["name"] = FakeArgoCdApi.PaymentsApi, ["id"] = 7, ["dry_run"] = true }, "argocd:rollback:app/payments-api");

        Assert.True(_sut.Structured(result).GetProperty("dryRun").GetBoolean());
        Assert.True(Assert.Single(_sut.Argo.Bodies("POST", FakeArgoCdApi.RollbackPath(FakeArgoCdApi.PaymentsApi)))["dryRun"]!.GetValue<bool>());
    }

    [Fact]
    public async Task ApplicationRollback_AutoSyncOn_ArgoCdRefusalIsClearError()
    {
        var result = await _sut.CallAsync("application_rollback", new() { ["name"] = FakeArgoCdApi.Guestbook, ["id"] = 1 }, "argocd:rollback:app/guestbook");

        Assert.True(result.IsError == true);
        var text = ToolServerFixture.Text(result);
        Assert.Contains("ArgoCD answered 400 for POST /api/v1/applications/guestbook/rollback after 1 attempt", text, StringComparison.Ordinal);
        Assert.Contains("rollback cannot be initiated when auto-sync is enabled", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ApplicationRollback_IdNotInHistory_ClearError()
    {
        var result = await _sut.CallAsync("application_rollback", new() { ["name"] = FakeArgoCdApi.PaymentsApi, ["id"] = 99 }, "argocd:rollback:app/payments-api");

        Assert.True(result.IsError == true);
        Assert.Contains("does not have deployment with id 99", ToolServerFixture.Text(result), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ApplicationRollback_IdNotANumber_IsErrorAndNothingSent()
    {
        var result = await _sut.CallAsync("application_rollback", new() { ["name"] = FakeArgoCdApi.PaymentsApi, ["id"] = "latest" }, "argocd:rollback:app/payments-api");

        Assert.True(result.IsError == true);
        Assert.Empty(_sut.Argo.AllRequests);
    }

    [Fact]
    public async Task ApplicationRollback_NegativeId_IsErrorAndNothingSent()
    {
        var result = await _sut.CallAsync("application_rollback", new() { ["name"] = FakeArgoCdApi.PaymentsApi, ["id"] = -1 }, "argocd:rollback:app/payments-api");

        Assert.True(result.IsError == true);
        Assert.Contains("history id", ToolServerFixture.Text(result), StringComparison.Ordinal);
        Assert.Empty(_sut.Argo.AllRequests);
    }
}
