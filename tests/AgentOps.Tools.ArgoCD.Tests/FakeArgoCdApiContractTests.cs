using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace AgentOps.Tools.ArgoCD.Tests;

/// <summary>
/// Keeps the fake and the server honest against ArgoCD's published API (swagger.json): every field the fake serves
/// and every field the server reads or sends must exist there, so neither can drift from the real shapes.
/// </summary>
public sealed class FakeArgoCdApiContractTests : IDisposable
{
    private static readonly SwaggerContract s_swagger = SwaggerContract.Load();
    private readonly FakeArgoCdApi _argo = FakeArgoCdApi.Start();
    private readonly HttpClient _http;

    public FakeArgoCdApiContractTests()
    {
        _http = new HttpClient { BaseAddress = new Uri(_argo.Url) };
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", _argo.Token);
    }

    public static TheoryData<string, string, string?, string> Answers => new()
    {
        { "GET", "/api/v1/applications", null, "v1alpha1ApplicationList" },
        { "GET", "/api/v1/applications/guestbook", null, "v1alpha1Application" },
        { "GET", "/api/v1/applications/payments-api", null, "v1alpha1Application" },
        { "GET", "/api/v1/applications/guestbook/managed-resources", null, "applicationManagedResourcesResponse" },
        { "POST", "/api/v1/applications/guestbook/sync", """{"name":"guestbook","revision":"HEAD","dryRun":true,"prune":false,"infos":[{"name":"agentops-agent","value":"x"}]}""", "v1alpha1Application" },
        { "POST", "/api/v1/applications/payments-api/rollback", """{"name":"payments-api","id":7,"dryRun":false,"prune":false}""", "v1alpha1Application" },
        { "POST", "/api/v1/applications/guestbook/rollback", """{"name":"guestbook","id":1}""", "runtimeError" },
        { "GET", "/api/v1/applications/missing", null, "runtimeError" },
    };

    [Theory]
    [MemberData(nameof(Answers))]
    public async Task Answer_MatchesItsSwaggerDefinition(string method, string path, string? body, string definition)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (body is not null)
        {
            request.Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
        }

        using var response = await _http.SendAsync(request);
        var document = JsonNode.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal(definition == "runtimeError", !response.IsSuccessStatusCode);
        Assert.Empty(s_swagger.Violations(document, definition));
        Assert.NotEmpty(document!.AsObject());
    }

    [Fact]
    public async Task Answer_WithoutToken_IsArgoCdUnauthenticatedError()
    {
        using var anonymous = new HttpClient { BaseAddress = new Uri(_argo.Url) };

        using var response = await anonymous.GetAsync(new Uri("/api/v1/applications", UriKind.Relative));
        var error = await response.Content.ReadFromJsonAsync<JsonObject>();

        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(16, error!["code"]!.GetValue<int>());
        Assert.Empty(s_swagger.Violations(error, "runtimeError"));
    }

    [Fact]
    public void Violations_MisnamedField_Reported()
    {
        var drifted = JsonNode.Parse("""{"metadata":{"name":"x"},"status":{"syncStatus":"Synced","health":{"status":1}}}""");

        var violations = s_swagger.Violations(drifted, "v1alpha1Application");

        Assert.Equal(2, violations.Count);
        Assert.Contains(violations, v => v.StartsWith("/status/syncStatus:", StringComparison.Ordinal));
        Assert.Contains(violations, v => v.StartsWith("/status/health/status:", StringComparison.Ordinal));
    }

    public static TheoryData<Type, string> WireRecords => new()
    {
        { typeof(ArgoApplicationList), "v1alpha1ApplicationList" },
        { typeof(ArgoApplication), "v1alpha1Application" },
        { typeof(ArgoManagedResources), "applicationManagedResourcesResponse" },
        { typeof(ArgoSyncRequest), "applicationApplicationSyncRequest" },
        { typeof(ArgoRollbackRequest), "applicationApplicationRollbackRequest" },
        { typeof(ArgoRuntimeError), "runtimeError" },
    };

    [Theory]
    [MemberData(nameof(WireRecords))]
    public void ServerWireRecord_NamesOnlySwaggerFields(Type record, string definition)
    {
        Assert.True(s_swagger.HasDefinition(definition), definition);

        Assert.Empty(s_swagger.RecordViolations(record, definition));
    }

    [Fact]
    public void RecordViolations_MisnamedProperty_Reported()
    {
        var violations = s_swagger.RecordViolations(typeof(Misnamed), "v1alpha1SyncStatus");

        Assert.Equal(["Misnamed.SyncState: v1alpha1SyncStatus has no property 'syncState'"], violations);
    }

    public void Dispose()
    {
        _http.Dispose();
        _argo.Dispose();
    }

    private sealed record Misnamed(string? Status, string? SyncState);
}
