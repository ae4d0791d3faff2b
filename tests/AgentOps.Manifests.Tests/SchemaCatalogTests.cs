namespace AgentOps.Manifests.Tests;

public sealed class SchemaCatalogTests
{
    [Fact]
    public void LoadFrom_FixtureDirectoryAndPlatformXrd_RegistersServedKindsOnly()
    {
        var sut = SchemaCatalog.LoadFrom(Fixtures.PathOf("fixtures/crds"), Fixtures.PathOf(Fixtures.DatabaseXrd));

        Assert.Equal(
            [
                "apiextensions.crossplane.io/v1 CompositeResourceDefinition",
                "apiextensions.crossplane.io/v2 CompositeResourceDefinition",
                "external-secrets.io/v1 ExternalSecret",
                "monitoring.coreos.com/v1 ServiceMonitor",
                "platform.example.io/v1alpha1 Database",
                "platform.example.io/v1alpha1 XDatabase",
            ],
            sut.Kinds);
    }

    [Fact]
    public void TryGet_XrdClaimAndCompositeKinds_ShareTheXrdAsSource()
    {
        var sut = Fixtures.Catalog(Fixtures.SqlInstanceXrd);

        Assert.True(sut.TryGet("aws.platformref.upbound.io/v1alpha1", "SQLInstance", out var claim));
        Assert.True(sut.TryGet("aws.platformref.upbound.io/v1alpha1", "XSQLInstance", out var composite));
        Assert.Equal("xsqlinstances.aws.platformref.upbound.io", claim.SourceName);
        Assert.Equal("xsqlinstances.aws.platformref.upbound.io", composite.SourceName);
        Assert.Equal("CompositeResourceDefinition", claim.SourceKind);
    }

    [Fact]
    public void TryGet_UnknownKind_ReturnsFalse()
    {
        var sut = Fixtures.Catalog(Fixtures.SqlInstanceXrd);

        var found = sut.TryGet("v1", "Secret", out var schema);

        Assert.False(found);
        Assert.Null(schema);
    }

    [Fact]
    public void LoadFrom_MissingPath_Throws()
    {
        var missing = Fixtures.PathOf("fixtures/does-not-exist.yaml");

        var ex = Assert.Throws<FileNotFoundException>(() => SchemaCatalog.LoadFrom(missing));

        Assert.Equal(missing, ex.FileName);
    }

    [Fact]
    public void FromYaml_MalformedDefinition_NamesOriginAndLine()
    {
        var ex = Assert.Throws<ManifestFormatException>(() => SchemaCatalog.FromYaml("spec:\n  group: x\n bad: y\n", "broken.yaml"));

        Assert.StartsWith("broken.yaml: Invalid YAML at line 3", ex.Message, StringComparison.Ordinal);
        Assert.Equal(3, ex.Line);
    }

    [Fact]
    public void FromYaml_CrdWithoutGroup_Throws()
    {
        var ex = Assert.Throws<ManifestFormatException>(() => SchemaCatalog.FromYaml("""
            apiVersion: apiextensions.k8s.io/v1
            kind: CustomResourceDefinition
            metadata: {name: widgets.example.io}
            spec:
              names: {kind: Widget}
              versions: [{name: v1, served: true}]
            """));

        Assert.Contains("'widgets.example.io' must set spec.group", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromYaml_TwoDefinitionsForOneKind_Throws()
    {
        var ex = Assert.Throws<ManifestFormatException>(() => SchemaCatalog.FromYaml("""
            apiVersion: apiextensions.k8s.io/v1
            kind: CustomResourceDefinition
            metadata: {name: widgets.example.io}
            spec: {group: example.io, names: {kind: Widget}, versions: [{name: v1, served: true}]}
            ---
            apiVersion: apiextensions.k8s.io/v1
            kind: CustomResourceDefinition
            metadata: {name: widgets-again.example.io}
            spec: {group: example.io, names: {kind: Widget}, versions: [{name: v1, served: true}]}
            """));

        Assert.Contains("defined by both 'widgets.example.io' and 'widgets-again.example.io'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromYaml_ModernXrd_NestsMachineryUnderSpecCrossplane()
    {
        var catalog = SchemaCatalog.FromYaml("""
            apiVersion: apiextensions.crossplane.io/v2
            kind: CompositeResourceDefinition
            metadata: {name: xbuckets.example.io}
            spec:
              group: example.io
              names: {kind: XBucket, plural: xbuckets}
              versions:
                - name: v1
                  served: true
                  referenceable: true
                  schema:
                    openAPIV3Schema:
                      type: object
                      properties:
                        spec: {type: object, properties: {region: {type: string}}}
            """);
        var sut = new ManifestValidator(catalog);

        var nested = sut.Validate("""
            apiVersion: example.io/v1
            kind: XBucket
            metadata: {name: logs, namespace: team-a}
            spec: {region: eu-west-1, crossplane: {compositionRef: {name: bucket-aws}}}
            """);
        var legacy = sut.Validate("""
            apiVersion: example.io/v1
            kind: XBucket
            metadata: {name: logs, namespace: team-a}
            spec: {region: eu-west-1, compositionRef: {name: bucket-aws}}
            """);

        Assert.Empty(nested.Errors);
        Assert.StartsWith("/spec/compositionRef: unknown field", Assert.Single(legacy.Errors), StringComparison.Ordinal);
    }
}
