namespace AgentOps.Manifests.Tests;

/// <summary>Paths of the fixture and platform files copied next to the test assembly.</summary>
internal static class Fixtures
{
    public const string XrdCrd = "fixtures/crds/apiextensions.crossplane.io_compositeresourcedefinitions.yaml";
    public const string ExternalSecretCrd = "fixtures/crds/external-secrets.io_externalsecrets.yaml";
    public const string ServiceMonitorCrd = "fixtures/crds/monitoring.coreos.com_servicemonitors.yaml";
    public const string SqlInstanceXrd = "fixtures/crossplane/sqlinstance-definition.yaml";
    public const string PostgresClaim = "fixtures/crossplane/postgres-claim.yaml";
    public const string DatabaseXrd = "platform/xrds/database.yaml";

    public static string PathOf(string relative) => Path.Combine(AppContext.BaseDirectory, relative);

    public static string Read(string relative) => File.ReadAllText(PathOf(relative));

    public static SchemaCatalog Catalog(params string[] relatives) =>
        SchemaCatalog.LoadFrom([.. relatives.Select(PathOf)]);
}
