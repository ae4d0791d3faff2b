using System.Text.Json;

namespace AgentOps.Tools.Prometheus.Tests;

public sealed class PrometheusScopesTests
{
    private readonly PrometheusScopes _sut = new();

    [Theory]
    [InlineData("query_instant", "prometheus:query:metrics")]
    [InlineData("query_range", "prometheus:query:metrics")]
    [InlineData("series_metadata", "prometheus:query:metrics")]
    [InlineData("alerts_list", "prometheus:read:alerts")]
    [InlineData("rules_list", "prometheus:read:rules")]
    [InlineData("targets_list", "prometheus:read:targets")]
    public void RequiredScope_KnownTool_NamesItsScope(string tool, string scope) =>
        Assert.Equal(scope, _sut.RequiredScope(tool, new Dictionary<string, JsonElement>())?.ToString());

    [Fact]
    public void RequiredScope_UnknownTool_NullSoTheCallIsDenied() =>
        Assert.Null(_sut.RequiredScope("admin_tsdb_delete_series", new Dictionary<string, JsonElement>()));
}
