namespace AgentOps.Manifests.Tests;

public sealed class UpboundSqlInstanceTests
{
    private static readonly SchemaCatalog s_catalog = Fixtures.Catalog(Fixtures.SqlInstanceXrd);

    [Fact]
    public void ValidateAll_PostgresClaimExample_ClaimIsValidAndSecretIsUnknown()
    {
        var sut = new ManifestValidator(s_catalog);

        var results = sut.ValidateAll(Fixtures.Read(Fixtures.PostgresClaim));

        Assert.Equal(2, results.Count);
        var claim = results[0];
        Assert.Empty(claim.Errors);
        Assert.True(claim.IsValid);
        Assert.Equal("SQLInstance", claim.Kind);
        Assert.Equal("xsqlinstances.aws.platformref.upbound.io", claim.SchemaSource);
        var secret = results[1];
        Assert.False(secret.IsValid);
        Assert.Equal("v1", secret.ApiVersion);
        Assert.Equal("Secret", secret.Kind);
        Assert.Null(secret.SchemaSource);
        Assert.Equal(
            ["(root): unknown kind 'Secret' in 'v1': no CRD or XRD in the schema catalogue defines it, and unknown kinds are rejected"],
            secret.Errors);
    }

    [Fact]
    public void Validate_ClaimWithUnquotedEngineVersion_FailsBecauseYamlMakesItANumber()
    {
        var sut = new ManifestValidator(s_catalog);
        var claim = YamlJson.ToJsonNodes(Fixtures.Read(Fixtures.PostgresClaim))[0]!;
        claim["spec"]!["parameters"]!["engineVersion"] = YamlJson.ToJsonNode("13.7");

        var result = sut.Validate(claim);

        Assert.Equal(["/spec/parameters/engineVersion: expected string but got number 13.7"], result.Errors);
    }

    [Fact]
    public void Validate_ClaimMissingNestedRequiredField_PointsIntoTheObject()
    {
        var sut = new ManifestValidator(s_catalog);
        var claim = YamlJson.ToJsonNodes(Fixtures.Read(Fixtures.PostgresClaim))[0]!;
        claim["spec"]!["parameters"]!["passwordSecretRef"]!.AsObject().Remove("key");

        var result = sut.Validate(claim);

        Assert.Equal(["/spec/parameters/passwordSecretRef/key: required field is missing"], result.Errors);
    }
}
