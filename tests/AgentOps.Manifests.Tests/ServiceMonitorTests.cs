namespace AgentOps.Manifests.Tests;

public sealed class ServiceMonitorTests
{
    private const string Valid = """
        apiVersion: monitoring.coreos.com/v1
        kind: ServiceMonitor
        metadata:
          name: payments-api
          namespace: payments
        spec:
          selector:
            matchLabels:
              app.kubernetes.io/name: payments-api
          endpoints:
            - port: metrics
              interval: 30s
        """;

    private static readonly SchemaCatalog s_catalog = Fixtures.Catalog(Fixtures.ServiceMonitorCrd);

    [Fact]
    public void Validate_ServiceMonitor_IsValidAgainstRealCrd()
    {
        var sut = new ManifestValidator(s_catalog);

        var result = sut.Validate(Valid);

        Assert.Empty(result.Errors);
        Assert.True(result.IsValid);
        Assert.Equal("servicemonitors.monitoring.coreos.com", result.SchemaSource);
    }

    [Fact]
    public void Validate_IntervalInWords_FailsTheCrdDurationPattern()
    {
        var sut = new ManifestValidator(s_catalog);
        var yaml = Valid.Replace("interval: 30s", "interval: 30 seconds", StringComparison.Ordinal);

        var result = sut.Validate(yaml);

        Assert.False(result.IsValid);
        Assert.Equal(
            ["/spec/endpoints/0/interval: value '30 seconds' does not match pattern ^(0|(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?)$"],
            result.Errors);
    }

    [Fact]
    public void Validate_NumericTargetPort_IsAcceptedAsIntOrString()
    {
        var sut = new ManifestValidator(s_catalog);
        var yaml = Valid.Replace("- port: metrics", "- targetPort: 8080", StringComparison.Ordinal);

        var result = sut.Validate(yaml);

        Assert.Empty(result.Errors);
    }
}
