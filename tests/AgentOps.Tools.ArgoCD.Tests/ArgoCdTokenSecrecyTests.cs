using System.Net;
using ModelContextProtocol.Protocol;

namespace AgentOps.Tools.ArgoCD.Tests;

/// <summary>The server's own ArgoCD token reaches ArgoCD and nowhere else: not a tool result, not an error, not a log line.</summary>
public sealed class ArgoCdTokenSecrecyTests
{
    [Fact]
    public async Task EveryTool_SuccessAndFailure_ArgoCdTokenNeverInOutputOrLogs()
    {
        // Trace logging for everything the configuration can reach, HTTP request headers included.
        await using var sut = await ArgoCdHarness.StartAsync(new Dictionary<string, string?> { ["Logging__LogLevel__Default"] = "Trace" });
        sut.Argo.Fail("GET", FakeArgoCdApi.ManagedResourcesPath(FakeArgoCdApi.PaymentsApi), HttpStatusCode.InternalServerError);
        var results = new List<CallToolResult>
        {
            await sut.CallAsync("applications_list", [], "argocd:read:apps"),
            await sut.CallAsync("application_get", new() { ["name"] = FakeArgoCdApi.Guestbook }, "argocd:read:app/guestbook"),
            await sut.CallAsync("application_history", new() { ["name"] = FakeArgoCdApi.Guestbook }, "argocd:read:app/guestbook"),
            await sut.CallAsync("application_resources_diff", new() { ["name"] = FakeArgoCdApi.Guestbook }, "argocd:read:app/guestbook"),
            await sut.CallAsync("application_resources_diff", new() { ["name"] = FakeArgoCdApi.PaymentsApi }, "argocd:read:app/payments-api"),
            await sut.CallAsync("application_sync", new() { ["name"] = FakeArgoCdApi.Guestbook, ["dry_run"] = true }, "argocd:sync:app/guestbook"),
            await sut.CallAsync("application_rollback", new() { ["name"] = FakeArgoCdApi.PaymentsApi, ["id"] = 7 }, "argocd:rollback:app/payments-api"),
            await sut.CallAsync("application_rollback", new() { ["name"] = FakeArgoCdApi.Guestbook, ["id"] = 1 }, "argocd:rollback:app/guestbook"),
        };

        // The token was used: every request ArgoCD saw carried it.
        Assert.All(sut.Argo.AllRequests, r => Assert.Equal("Bearer " + sut.Argo.Token, r.Headers!["Authorization"].Single()));
        Assert.Equal(2, results.Count(r => r.IsError == true));
        foreach (var result in results)
        {
            Assert.DoesNotContain(sut.Argo.Token, ToolServerFixture.Text(result), StringComparison.Ordinal);
            Assert.DoesNotContain(sut.Argo.Token, result.StructuredContent?.GetRawText() ?? string.Empty, StringComparison.Ordinal);
        }
        var log = string.Join('\n', sut.Server.StandardError);
        // The logs did see the requests, headers and all, so the check below is not vacuous.
        Assert.Contains("Authorization", log, StringComparison.Ordinal);
        Assert.Contains("ArgoCD request GET /api/v1/applications/payments-api/managed-resources failed", log, StringComparison.Ordinal);
        Assert.DoesNotContain(sut.Argo.Token, log, StringComparison.Ordinal);
    }
}
