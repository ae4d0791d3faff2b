namespace AgentOps.Tools.Prometheus.Tests;

/// <summary>The server checks the caller's delegated token itself, before Prometheus is asked anything.</summary>
[Collection(PrometheusCollection.Name)]
public sealed class PrometheusCredentialTests(PrometheusServerFixture fixture)
{
    private readonly ToolServerFixture _sut = fixture.Server;

    private static Dictionary<string, object?> UpQuery() => new() { ["query"] = "up" };

    [Fact]
    public async Task QueryInstant_NoToken_Refused()
    {
        var result = await _sut.CallAsync("query_instant", UpQuery(), token: null);

        Assert.True(result.IsError == true);
        Assert.Contains("missing_token", ToolServerFixture.Text(result), StringComparison.Ordinal);
    }

    [Fact]
    public async Task QueryInstant_ExpiredToken_Refused()
    {
        var token = _sut.Token(PrometheusServerFixture.QueryScope, mintedAt: TimeProvider.System.GetUtcNow().AddHours(-1));

        var result = await _sut.CallAsync("query_instant", UpQuery(), token);

        Assert.True(result.IsError == true);
        Assert.Contains("expired", ToolServerFixture.Text(result), StringComparison.Ordinal);
    }

    [Fact]
    public async Task QueryInstant_TokenForAnotherServer_Refused()
    {
        var token = _sut.Token(PrometheusServerFixture.QueryScope, audience: "spiffe://agentops.local/tool/argocd");

        var result = await _sut.CallAsync("query_instant", UpQuery(), token);

        Assert.True(result.IsError == true);
        Assert.Contains("wrong_audience", ToolServerFixture.Text(result), StringComparison.Ordinal);
    }

    [Fact]
    public async Task QueryInstant_AlertsScopeOnly_Refused()
    {
        var result = await _sut.CallAsync("query_instant", UpQuery(), _sut.Token("prometheus:read:alerts"));

        Assert.True(result.IsError == true);
        var text = ToolServerFixture.Text(result);
        Assert.Contains("insufficient_scope", text, StringComparison.Ordinal);
        Assert.DoesNotContain("\"samples\"", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AlertsList_QueryScopeOnly_Refused()
    {
        var result = await _sut.CallAsync("alerts_list", [], _sut.Token(PrometheusServerFixture.QueryScope));

        Assert.True(result.IsError == true);
        Assert.Contains("insufficient_scope", ToolServerFixture.Text(result), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RulesList_ScopeOfAnotherServer_Refused()
    {
        var result = await _sut.CallAsync("rules_list", [], _sut.Token("k8s:read:ns/payments"));

        Assert.True(result.IsError == true);
        Assert.Contains("insufficient_scope", ToolServerFixture.Text(result), StringComparison.Ordinal);
    }

    [Fact]
    public async Task QueryInstant_TokenUsedTwice_RefusedSecondTime()
    {
        var token = _sut.Token(PrometheusServerFixture.QueryScope);

        var first = await _sut.CallAsync("query_instant", UpQuery(), token);
        var second = await _sut.CallAsync("query_instant", UpQuery(), token);

        Assert.True(first.IsError != true, ToolServerFixture.Text(first));
        Assert.True(second.IsError == true);
        Assert.Contains("replayed", ToolServerFixture.Text(second), StringComparison.Ordinal);
    }
}
