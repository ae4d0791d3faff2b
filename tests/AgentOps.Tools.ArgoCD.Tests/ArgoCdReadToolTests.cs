using System.Text.Json;

namespace AgentOps.Tools.ArgoCD.Tests;

/// <summary>The read tools against the fake ArgoCD: what they return, and that third-party text comes back untrusted and redacted.</summary>
public sealed class ArgoCdReadToolTests : IAsyncLifetime
{
    private ArgoCdHarness _sut = null!;

    public async Task InitializeAsync() => _sut = await ArgoCdHarness.StartAsync();

    public async Task DisposeAsync() => await _sut.DisposeAsync();

    [Fact]
    public async Task ToolsList_SixTools_AnnotationsSayWhatTheyDo()
    {
        var tools = (await _sut.Server.Client.ListToolsAsync()).ToDictionary(t => t.Name, StringComparer.Ordinal);

        Assert.Equal(
            ["application_get", "application_history", "application_resources_diff", "application_rollback", "application_sync", "applications_list"],
            tools.Keys.Order(StringComparer.Ordinal));
        foreach (var read in new[] { "applications_list", "application_get", "application_history", "application_resources_diff" })
        {
            var annotations = tools[read].ProtocolTool.Annotations!;
            Assert.True(annotations.ReadOnlyHint, read);
            Assert.False(annotations.DestructiveHint, read);
            Assert.True(annotations.IdempotentHint, read);
        }
        foreach (var write in new[] { "application_sync", "application_rollback" })
        {
            var annotations = tools[write].ProtocolTool.Annotations!;
            Assert.False(annotations.ReadOnlyHint, write);
            Assert.True(annotations.DestructiveHint, write);
            Assert.False(annotations.IdempotentHint, write);
            var properties = tools[write].ProtocolTool.InputSchema.GetProperty("properties");
            Assert.False(properties.GetProperty("prune").GetProperty("default").GetBoolean(), write);
            Assert.False(properties.GetProperty("dry_run").GetProperty("default").GetBoolean(), write);
        }
        Assert.Contains("argocd:sync:app/<name>", tools["application_sync"].Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ApplicationsList_ReadAppsScope_ListsEveryApplicationWithStatus()
    {
        var result = await _sut.CallAsync("applications_list", [], "argocd:read:apps");

        var list = _sut.Structured(result);
        Assert.Equal(2, list.GetProperty("count").GetInt32());
        var guestbook = list.GetProperty("applications").EnumerateArray().Single(a => a.GetProperty("name").GetString() == FakeArgoCdApi.Guestbook);
        Assert.Equal("OutOfSync", guestbook.GetProperty("syncStatus").GetString());
        Assert.Equal("Degraded", guestbook.GetProperty("healthStatus").GetString());
        Assert.Equal("default", guestbook.GetProperty("project").GetString());
        Assert.Equal("https://github.com/argoproj/argocd-example-apps.git", guestbook.GetProperty("sources")[0].GetProperty("repoUrl").GetString());
        Assert.Equal("Bearer " + _sut.Argo.Token, _sut.Argo.Requests("GET", FakeArgoCdApi.ApplicationsPath).Single().Headers!["Authorization"].Single());
    }

    [Fact]
    public async Task ApplicationsList_ProjectAndSelector_SentToArgoCdAndApplied()
    {
        var result = await _sut.CallAsync("applications_list", new() { ["projects"] = new[] { "payments" }, ["selector"] = "team=payments" }, "argocd:read:apps");

        var list = _sut.Structured(result);
        Assert.Equal([FakeArgoCdApi.PaymentsApi], list.GetProperty("applications").EnumerateArray().Select(a => a.GetProperty("name").GetString()));
        var query = _sut.Argo.Requests("GET", FakeArgoCdApi.ApplicationsPath).Single().Query!;
        Assert.Equal(["payments"], query["projects"]);
        Assert.Equal(["team=payments"], query["selector"]);
    }

    [Fact]
    public async Task ApplicationGet_ReadScope_SyncHealthOperationAndCounts()
    {
        var result = await _sut.CallAsync("application_get", new() { ["name"] = FakeArgoCdApi.Guestbook }, "argocd:read:app/guestbook");

        var app = _sut.Structured(result);
        Assert.Equal("OutOfSync", app.GetProperty("sync").GetProperty("status").GetString());
        Assert.Equal(FakeArgoCdApi.GuestbookRevision, app.GetProperty("sync").GetProperty("revision").GetString());
        Assert.Equal("Degraded", app.GetProperty("health").GetProperty("status").GetString());
        Assert.Equal("Failed", app.GetProperty("lastOperation").GetProperty("phase").GetString());
        Assert.True(app.GetProperty("autoSync").GetProperty("enabled").GetBoolean());
        Assert.True(app.GetProperty("autoSync").GetProperty("selfHeal").GetBoolean());
        var resources = app.GetProperty("resources");
        Assert.Equal(5, resources.GetProperty("total").GetInt32());
        Assert.Equal(4, resources.GetProperty("outOfSync").GetInt32());
        Assert.Equal(1, resources.GetProperty("requiresPruning").GetInt32());
        Assert.Equal("guestbook", app.GetProperty("destination").GetProperty("namespace").GetString());
    }

    [Fact]
    public async Task ApplicationGet_ThirdPartyMessages_ComeBackUntrusted()
    {
        var result = await _sut.CallAsync("application_get", new() { ["name"] = FakeArgoCdApi.Guestbook }, "argocd:read:app/guestbook");

        var app = _sut.Structured(result);
        Assert.Equal("untrusted", result.Meta?["io.agentops/trust"]?.GetValue<string>());
        var condition = app.GetProperty("conditions")[0].GetProperty("message");
        Assert.Equal("untrusted", condition.GetProperty("trust").GetString());
        Assert.Equal("argocd-conditions", condition.GetProperty("origin").GetString());
        Assert.Equal(FakeArgoCdApi.InjectedConditionMessage, condition.GetProperty("text").GetString());
        Assert.Equal("argocd-operation", app.GetProperty("lastOperation").GetProperty("message").GetProperty("origin").GetString());
        Assert.Equal("argocd-health", app.GetProperty("health").GetProperty("message").GetProperty("origin").GetString());
        var owner = app.GetProperty("annotations").GetProperty("example.com/owner");
        Assert.Equal("argocd-annotations", owner.GetProperty("origin").GetString());
        Assert.Equal("untrusted", owner.GetProperty("trust").GetString());
    }

    [Fact]
    public async Task ApplicationGet_SecretsInAnnotations_Redacted()
    {
        var result = await _sut.CallAsync("application_get", new() { ["name"] = FakeArgoCdApi.Guestbook }, "argocd:read:app/guestbook");

        var annotations = _sut.Structured(result).GetProperty("annotations");
        var notes = annotations.GetProperty("example.com/notes").GetProperty("text").GetString()!;
        Assert.Contains("[REDACTED:github-token]", notes, StringComparison.Ordinal);
        Assert.Equal("[REDACTED:secret-key]", annotations.GetProperty("example.com/api-token").GetProperty("text").GetString());
        var everything = ToolServerFixture.Text(result) + result.StructuredContent!.Value.GetRawText();
        Assert.DoesNotContain(FakeArgoCdApi.AnnotatedGitHubToken, everything, StringComparison.Ordinal);
        Assert.DoesNotContain("plain-but-secret-named-value", everything, StringComparison.Ordinal);
        Assert.False(annotations.TryGetProperty("kubectl.kubernetes.io/last-applied-configuration", out _));
        Assert.DoesNotContain("hunter2-in-values", everything, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ApplicationGet_UnknownApplication_ClearNotFoundError()
    {
        var result = await _sut.CallAsync("application_get", new() { ["name"] = "no-such-app" }, "argocd:read:app/no-such-app");

        Assert.True(result.IsError == true);
        var text = ToolServerFixture.Text(result);
        Assert.Contains("ArgoCD has no application 'no-such-app' (404 for GET /api/v1/applications/no-such-app)", text, StringComparison.Ordinal);
        Assert.Contains("not found", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ApplicationHistory_ReadScope_NewestFirstWithRollbackIds()
    {
        var result = await _sut.CallAsync("application_history", new() { ["name"] = FakeArgoCdApi.Guestbook }, "argocd:read:app/guestbook");

        var history = _sut.Structured(result);
        Assert.Equal(FakeArgoCdApi.GuestbookRevision, history.GetProperty("currentRevision").GetString());
        var entries = history.GetProperty("entries").EnumerateArray().ToArray();
        Assert.Equal([2L, 1L, 0L], entries.Select(e => e.GetProperty("id").GetInt64()));
        Assert.Equal(FakeArgoCdApi.GuestbookPreviousRevision, entries[1].GetProperty("revision").GetString());
        Assert.Equal(new DateTimeOffset(2025, 5, 28, 14, 2, 12, TimeSpan.Zero), entries[1].GetProperty("deployedAt").GetDateTimeOffset());
        Assert.True(entries[1].GetProperty("automated").GetBoolean());
        Assert.Equal("admin", entries[2].GetProperty("initiatedBy").GetString());
        Assert.Equal("guestbook", entries[0].GetProperty("sources")[0].GetProperty("path").GetString());
    }

    [Fact]
    public async Task ApplicationResourcesDiff_ReadScope_OutOfSyncResourcesAndFieldChanges()
    {
        var result = await _sut.CallAsync("application_resources_diff", new() { ["name"] = FakeArgoCdApi.Guestbook }, "argocd:read:app/guestbook");

        var diff = _sut.StructuredNode(result);
        Assert.Equal(5, diff["total"]!.GetValue<int>());
        Assert.Equal(4, diff["outOfSync"]!.GetValue<int>());
        var byName = diff["resources"]!.AsArray().ToDictionary(r => $"{r!["kind"]}/{r["name"]}", r => r!, StringComparer.Ordinal);
        Assert.Equal("Synced", byName["Service/guestbook-ui"]["state"]!.GetValue<string>());
        Assert.Equal("Extraneous", byName["ConfigMap/guestbook-legacy"]["state"]!.GetValue<string>());

        var deployment = byName["Deployment/guestbook-ui"];
        Assert.Equal("OutOfSync", deployment["state"]!.GetValue<string>());
        // Only the image drifted; server defaults (progressDeadlineSeconds, dnsPolicy…) and bookkeeping are not drift.
        var change = Assert.Single(deployment["changes"]!.AsArray())!;
        Assert.Equal("/spec/template/spec/containers/0/image", change["path"]!.GetValue<string>());
        Assert.Equal("gcr.io/heptio-images/ks-guestbook-demo:0.1", change["live"]!["text"]!.GetValue<string>());
        Assert.Equal("gcr.io/heptio-images/ks-guestbook-demo:0.2", change["target"]!["text"]!.GetValue<string>());
        Assert.Equal("argocd-live-state", change["live"]!["origin"]!.GetValue<string>());

        var config = byName["ConfigMap/guestbook-config"]["changes"]!.AsArray().ToDictionary(c => c!["path"]!.GetValue<string>(), c => c!, StringComparer.Ordinal);
        Assert.Equal(["/data/DB_PASSWORD", "/data/old-key", "/data/welcome"], config.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("removed", config["/data/old-key"]["change"]!.GetValue<string>());
        Assert.Equal("[REDACTED:secret-key]", config["/data/DB_PASSWORD"]["live"]!["text"]!.GetValue<string>());
        Assert.Equal("Hello from Git", config["/data/welcome"]["target"]!["text"]!.GetValue<string>());
        Assert.Equal("untrusted", result.Meta?["io.agentops/trust"]?.GetValue<string>());
    }

    [Fact]
    public async Task ApplicationResourcesDiff_SecretResource_ValuesNeverReturned()
    {
        var result = await _sut.CallAsync("application_resources_diff", new() { ["name"] = FakeArgoCdApi.Guestbook }, "argocd:read:app/guestbook");

        var secret = _sut.StructuredNode(result)["resources"]!.AsArray().Single(r => r!["kind"]!.GetValue<string>() == "Secret")!;
        Assert.True(secret["valuesWithheld"]!.GetValue<bool>());
        var change = Assert.Single(secret["changes"]!.AsArray())!;
        Assert.Equal("/data/password", change["path"]!.GetValue<string>());
        Assert.Null(change["live"]);
        Assert.Null(change["target"]);
        var everything = ToolServerFixture.Text(result) + result.StructuredContent!.Value.GetRawText();
        foreach (var secretValue in new[] { FakeArgoCdApi.LiveSecretPassword, FakeArgoCdApi.TargetSecretPassword, FakeArgoCdApi.LiveConfigMapPassword, FakeArgoCdApi.TargetConfigMapPassword })
        {
            Assert.DoesNotContain(secretValue, everything, StringComparison.Ordinal);
            Assert.DoesNotContain(Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(secretValue)), everything, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task ReadTools_InvalidApplicationName_RefusedBeforeAnyRequest()
    {
        foreach (var tool in new[] { "application_get", "application_history", "application_resources_diff" })
        {
            var result = await _sut.CallAsync(tool, new() { ["name"] = "guestbook/../../settings" }, "argocd:read:app/*");

            Assert.True(result.IsError == true, tool);
            Assert.Contains("is not a valid ArgoCD application name", ToolServerFixture.Text(result), StringComparison.Ordinal);
        }
        Assert.Empty(_sut.Argo.AllRequests);
    }

    [Fact]
    public async Task ApplicationsList_ProjectNotAName_IsError()
    {
        var result = await _sut.CallAsync("applications_list", new() { ["projects"] = new[] { "Default Project" } }, "argocd:read:apps");

        Assert.True(result.IsError == true);
        Assert.Contains("is not a valid ArgoCD project name", ToolServerFixture.Text(result), StringComparison.Ordinal);
        Assert.Empty(_sut.Argo.AllRequests);
    }

    [Fact]
    public async Task ApplicationGet_ArgumentOfWrongType_IsError()
    {
        var result = await _sut.CallAsync("application_get", new() { ["name"] = JsonSerializer.SerializeToElement(new { nested = true }) }, "argocd:read:app/*");

        Assert.True(result.IsError == true);
        Assert.Empty(_sut.Argo.AllRequests);
    }

    [Fact]
    public async Task ApplicationGet_NameMissing_IsError()
    {
        var result = await _sut.CallAsync("application_get", [], "argocd:read:app/*");

        Assert.True(result.IsError == true);
        Assert.Empty(_sut.Argo.AllRequests);
    }
}
