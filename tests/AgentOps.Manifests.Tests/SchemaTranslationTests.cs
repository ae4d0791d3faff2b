namespace AgentOps.Manifests.Tests;

/// <summary>OpenAPI v3 details that JSON Schema spells differently, checked through small inline CRDs.</summary>
public sealed class SchemaTranslationTests
{
    private const string Crd = """
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata: {name: widgets.example.io}
        spec:
          group: example.io
          names: {kind: Widget, plural: widgets}
          versions:
            - name: v1
              served: true
              storage: true
              schema:
                openAPIV3Schema:
                  type: object
                  properties:
                    spec:
                      type: object
                      properties:
                        note: {type: string, nullable: true}
                        mode: {type: string, enum: [fast, safe], nullable: true}
                        port:
                          x-kubernetes-int-or-string: true
                          anyOf: [{type: integer}, {type: string}]
                        values: {type: object, x-kubernetes-preserve-unknown-fields: true}
                        labels: {type: object, additionalProperties: {type: string}}
                        ratio: {type: number, minimum: 0, exclusiveMinimum: true}
                        timeout: {type: string, format: duration}
                        since: {type: string, format: date-time}
                        replicas: {type: integer, format: int32}
                        tags: {type: array, items: {type: string}, x-kubernetes-list-type: set}
                        source:
                          type: object
                          properties:
                            git: {type: string}
                            oci: {type: string}
                          oneOf:
                            - required: [git]
                            - required: [oci]
                          x-kubernetes-validations:
                            - rule: self.git != ''
        """;

    private static readonly SchemaCatalog s_catalog = SchemaCatalog.FromYaml(Crd);

    [Theory]
    [InlineData("note: null")]
    [InlineData("mode: null")]
    [InlineData("port: 8080")]
    [InlineData("port: http")]
    [InlineData("values: {anything: {goes: [1, 2]}}")]
    [InlineData("labels: {team: payments}")]
    [InlineData("ratio: 0.5")]
    [InlineData("timeout: 1h30m")]
    [InlineData("since: 2024-01-31T10:00:00Z")]
    [InlineData("replicas: 3")]
    [InlineData("tags: [a, b]")]
    [InlineData("source: {git: https://example.com/repo.git}")]
    public void Validate_SpecAllowedByKubernetes_IsValid(string specLine)
    {
        var sut = new ManifestValidator(s_catalog);

        var result = sut.Validate(Widget(specLine));

        Assert.Empty(result.Errors);
    }

    [Theory]
    [InlineData("port: true", "/spec/port: expected integer or string but got boolean true")]
    [InlineData("mode: slow", "/spec/mode: value 'slow' is not one of [fast, safe, null]")]
    [InlineData("labels: {team: 1}", "/spec/labels/team: expected string but got integer 1")]
    [InlineData("ratio: 0", "/spec/ratio: value 0 must be greater than 0")]
    [InlineData("since: yesterday", "/spec/since: value 'yesterday' is not a valid date-time")]
    [InlineData("tags: [a, a]", "/spec/tags: items must be unique")]
    [InlineData("source: {git: a, oci: b}", "/spec/source: value matches 2 of the oneOf alternatives but must match exactly one")]
    [InlineData("source: {}", "/spec/source: value matches none of the 2 allowed alternatives")]
    [InlineData("note: 5", "/spec/note: expected string or null but got integer 5")]
    public void Validate_SpecRejectedByKubernetes_ReportsPointerAndReason(string specLine, string expectedStart)
    {
        var sut = new ManifestValidator(s_catalog);

        var result = sut.Validate(Widget(specLine));

        Assert.False(result.IsValid);
        Assert.StartsWith(expectedStart, Assert.Single(result.Errors), StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_NotAMapping_IsInvalid()
    {
        var sut = new ManifestValidator(s_catalog);

        var result = sut.Validate("- just\n- a list\n");

        Assert.Equal(["(root): a manifest must be a mapping, not array"], result.Errors);
    }

    [Fact]
    public void Validate_MalformedYaml_IsInvalidWithLine()
    {
        var sut = new ManifestValidator(s_catalog);

        var result = sut.Validate("apiVersion: example.io/v1\nkind: Widget\n  metadata: x\n");

        Assert.False(result.IsValid);
        Assert.StartsWith("Invalid YAML at line ", Assert.Single(result.Errors), StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_MissingApiVersionAndKind_ReportsBoth()
    {
        var sut = new ManifestValidator(s_catalog);

        var result = sut.Validate("metadata: {name: w}\n");

        Assert.Equal(["/apiVersion: required field is missing", "/kind: required field is missing"], result.Errors);
    }

    private static string Widget(string specLine) => $$"""
        apiVersion: example.io/v1
        kind: Widget
        metadata: {name: w1, namespace: default}
        spec: {{{specLine}}}
        """;
}
