namespace AgentOps.Manifests.Tests;

public sealed class ExternalSecretTests
{
    private const string Valid = """
        apiVersion: external-secrets.io/v1
        kind: ExternalSecret
        metadata: {name: payments-api-db-connection, namespace: payments}
        spec:
          refreshInterval: 1h
          secretStoreRef: {name: platform-secrets, kind: ClusterSecretStore}
          target: {name: payments-api-db-connection, creationPolicy: Owner}
          dataFrom:
            - extract: {key: databases/payments/payments-api-db}
        """;

    private static readonly SchemaCatalog s_catalog = Fixtures.Catalog(Fixtures.ExternalSecretCrd);

    [Fact]
    public void Validate_ExternalSecret_IsValidAgainstRealCrd()
    {
        var sut = new ManifestValidator(s_catalog);

        var result = sut.Validate(Valid);

        Assert.Empty(result.Errors);
        Assert.True(result.IsValid);
        Assert.Equal("externalsecrets.external-secrets.io", result.SchemaSource);
    }

    [Fact]
    public void Validate_TypoInSecretStoreRef_IsRejected()
    {
        var sut = new ManifestValidator(s_catalog);
        var yaml = Valid.Replace("secretStoreRef:", "secretStoreRefs:", StringComparison.Ordinal);

        var result = sut.Validate(yaml);

        Assert.False(result.IsValid);
        var error = Assert.Single(result.Errors);
        Assert.StartsWith("/spec/secretStoreRefs: unknown field 'secretStoreRefs'", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_UnknownStoreKind_ReportsTheCrdEnum()
    {
        var sut = new ManifestValidator(s_catalog);
        var yaml = Valid.Replace("kind: ClusterSecretStore", "kind: Vault", StringComparison.Ordinal);

        var result = sut.Validate(yaml);

        Assert.Equal(["/spec/secretStoreRef/kind: value 'Vault' is not one of [SecretStore, ClusterSecretStore]"], result.Errors);
    }

    [Fact]
    public void Validate_UnservedVersion_IsUnknown()
    {
        var sut = new ManifestValidator(s_catalog);
        var yaml = Valid.Replace("external-secrets.io/v1", "external-secrets.io/v1beta1", StringComparison.Ordinal);

        var result = sut.Validate(yaml);

        Assert.False(result.IsValid);
        Assert.Null(result.SchemaSource);
        Assert.StartsWith("(root): unknown kind 'ExternalSecret' in 'external-secrets.io/v1beta1'", Assert.Single(result.Errors), StringComparison.Ordinal);
    }
}
