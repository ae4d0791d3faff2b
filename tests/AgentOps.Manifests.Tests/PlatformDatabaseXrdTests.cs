namespace AgentOps.Manifests.Tests;

public sealed class PlatformDatabaseXrdTests
{
    private static readonly SchemaCatalog s_platform = Fixtures.Catalog(Fixtures.DatabaseXrd);

    [Fact]
    public void Validate_PlatformXrdAgainstRealCrossplaneXrdCrd_IsValid()
    {
        var sut = new ManifestValidator(Fixtures.Catalog(Fixtures.XrdCrd));

        var result = sut.Validate(Fixtures.Read(Fixtures.DatabaseXrd));

        Assert.Empty(result.Errors);
        Assert.True(result.IsValid);
        Assert.Equal("compositeresourcedefinitions.apiextensions.crossplane.io", result.SchemaSource);
    }

    [Fact]
    public void Catalog_KnowsTheRestPluralOfClaimAndComposite()
    {
        Assert.True(s_platform.TryGet("platform.example.io/v1alpha1", "Database", out var claim));
        Assert.True(s_platform.TryGet("platform.example.io/v1alpha1", "XDatabase", out var composite));

        Assert.Equal("databases", claim.Plural);
        Assert.Equal("xdatabases", composite.Plural);
        Assert.True(claim.IsClaim);
        Assert.False(composite.IsClaim);
    }

    [Fact]
    public void Validate_ExampleClaim_IsValid()
    {
        var sut = new ManifestValidator(s_platform);

        var result = sut.Validate(DatabaseClaims.Valid);

        Assert.Empty(result.Errors);
        Assert.True(result.IsValid);
        Assert.Equal("platform.example.io/v1alpha1", result.ApiVersion);
        Assert.Equal("Database", result.Kind);
        Assert.Equal("xdatabases.platform.example.io", result.SchemaSource);
    }

    [Fact]
    public void Validate_SizeNotInEnum_ReportsAllowedValues()
    {
        var sut = new ManifestValidator(s_platform);
        var claim = DatabaseClaims.Parse();
        DatabaseClaims.Parameters(claim)["size"] = "huge";

        var result = sut.Validate(claim);

        Assert.False(result.IsValid);
        Assert.Equal(["/spec/parameters/size: value 'huge' is not one of [small, medium, large]"], result.Errors);
    }

    [Fact]
    public void Validate_MissingRegion_PointsAtTheMissingField()
    {
        var sut = new ManifestValidator(s_platform);
        var claim = DatabaseClaims.Parse();
        DatabaseClaims.Parameters(claim).Remove("region");

        var result = sut.Validate(claim);

        Assert.False(result.IsValid);
        Assert.Equal(["/spec/parameters/region: required field is missing"], result.Errors);
    }

    [Fact]
    public void Validate_QuotedStorageGB_IsATypeError()
    {
        var sut = new ManifestValidator(s_platform);
        var yaml = DatabaseClaims.Valid.Replace("storageGB: 20", "storageGB: \"20\"", StringComparison.Ordinal);

        var result = sut.Validate(yaml);

        Assert.False(result.IsValid);
        Assert.Equal(["/spec/parameters/storageGB: expected integer but got string '20'"], result.Errors);
    }

    [Fact]
    public void Validate_MisspeltField_IsRejectedInStrictMode()
    {
        var sut = new ManifestValidator(s_platform);
        var claim = DatabaseClaims.Parse();
        DatabaseClaims.Parameters(claim)["sizee"] = "small";

        var result = sut.Validate(claim);

        Assert.False(result.IsValid);
        var error = Assert.Single(result.Errors);
        Assert.StartsWith("/spec/parameters/sizee: unknown field 'sizee'", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_MisspeltFieldWithStrictOff_IsAcceptedAsTheApiServerWould()
    {
        var sut = new ManifestValidator(s_platform) { Strict = false };
        var claim = DatabaseClaims.Parse();
        DatabaseClaims.Parameters(claim)["sizee"] = "small";

        var result = sut.Validate(claim);

        Assert.Empty(result.Errors);
        Assert.True(result.IsValid);
    }

    [Fact]
    public void Validate_MissingMetadataName_IsReportedOnce()
    {
        var sut = new ManifestValidator(s_platform);
        var claim = DatabaseClaims.Parse();
        claim["metadata"]!.AsObject().Remove("name");

        var result = sut.Validate(claim);

        Assert.False(result.IsValid);
        Assert.Equal(["/metadata/name: required field is missing"], result.Errors);
    }

    [Fact]
    public void Validate_NameLongerThanCrossplaneAllows_IsRejected()
    {
        var sut = new ManifestValidator(s_platform);
        var claim = DatabaseClaims.Parse();
        claim["metadata"]!["name"] = new string('a', 64);

        var result = sut.Validate(claim);

        Assert.Equal(["/metadata/name: length 64 is above the maximum of 63"], result.Errors);
    }

    [Fact]
    public void Validate_InvalidNameAndLabelValue_ReportsBoth()
    {
        var sut = new ManifestValidator(s_platform);
        var claim = DatabaseClaims.Parse();
        claim["metadata"]!["name"] = "Payments_DB";
        claim["metadata"]!["labels"]!["tier"] = 3;

        var result = sut.Validate(claim);

        Assert.Equal(
            [
                "/metadata/labels/tier: expected string but got integer 3",
                "/metadata/name: value 'Payments_DB' does not match pattern ^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$",
            ],
            result.Errors);
    }

    [Fact]
    public void Validate_SeveralProblems_ReportsEachWithItsPointerSortedByLocation()
    {
        var sut = new ManifestValidator(s_platform);
        var claim = DatabaseClaims.Parse();
        var parameters = DatabaseClaims.Parameters(claim);
        parameters["storageGB"] = 5000;
        parameters["region"] = "Europe";
        parameters["backup"]!["schedule"] = "monthly";

        var result = sut.Validate(claim);

        Assert.Equal(
            [
                "/spec/parameters/backup/schedule: value 'monthly' is not one of [hourly, daily, weekly, none]",
                "/spec/parameters/region: value 'Europe' does not match pattern ^[a-z]{2}-[a-z]+-[0-9]$",
                "/spec/parameters/storageGB: value 5000 is greater than the maximum 1000",
            ],
            result.Errors);
    }

    [Fact]
    public void Validate_ClaimUsingCrossplaneMachineryFields_IsValid()
    {
        var sut = new ManifestValidator(s_platform);
        var yaml = DatabaseClaims.Valid + """

              compositionSelector:
                matchLabels:
                  provider: aws
              writeConnectionSecretToRef:
                name: payments-api-db-conn
            """;

        var result = sut.Validate(yaml);

        Assert.Empty(result.Errors);
    }

    [Fact]
    public void Validate_CompositeKind_UsesTheSameParameters()
    {
        var sut = new ManifestValidator(s_platform);
        var yaml = DatabaseClaims.Valid
            .Replace("kind: Database", "kind: XDatabase", StringComparison.Ordinal)
            .Replace("size: small", "size: tiny", StringComparison.Ordinal);

        var result = sut.Validate(yaml);

        Assert.Equal("XDatabase", result.Kind);
        Assert.Equal(["/spec/parameters/size: value 'tiny' is not one of [small, medium, large]"], result.Errors);
    }

    [Fact]
    public void Validate_SharedValidatorAcrossThreads_GivesTheSameAnswers()
    {
        var sut = new ManifestValidator(Fixtures.Catalog(Fixtures.DatabaseXrd));
        var invalid = DatabaseClaims.Valid.Replace("size: small", "size: huge", StringComparison.Ordinal);
        var results = new ManifestValidation[64];

        Parallel.For(0, results.Length, i => results[i] = sut.Validate(i % 2 == 0 ? DatabaseClaims.Valid : invalid));

        Assert.All(results.Where((_, i) => i % 2 == 0), r => Assert.Empty(r.Errors));
        Assert.All(
            results.Where((_, i) => i % 2 == 1),
            r => Assert.Equal(["/spec/parameters/size: value 'huge' is not one of [small, medium, large]"], r.Errors));
    }
}
