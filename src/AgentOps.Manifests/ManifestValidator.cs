using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;

namespace AgentOps.Manifests;

/// <summary>
/// Validates Kubernetes manifests against the CRD/XRD schemas in a <see cref="SchemaCatalog"/> before they are
/// written into a pull request. Kinds missing from the catalogue are rejected (deny by default). Meant to be created
/// once and shared: each kind's schema is translated and compiled on first use and then cached.
/// </summary>
public sealed class ManifestValidator(SchemaCatalog catalog)
{
    private static readonly EvaluationOptions s_evaluationOptions = new()
    {
        OutputFormat = OutputFormat.List,
        RequireFormatValidation = true,
    };

    private readonly SchemaCatalog _catalog = catalog ?? throw new ArgumentNullException(nameof(catalog));
    private readonly ConcurrentDictionary<ManifestSchema, Lazy<CompiledSchema>> _compiled = new();

    /// <summary>
    /// When true (the default) unknown fields are errors wherever a schema lists its properties. The API server
    /// would prune them silently, so a misspelt field in a generated manifest would otherwise be lost without a trace.
    /// Set to false to follow the API server exactly.
    /// </summary>
    public bool Strict { get; init; } = true;

    /// <summary>Validates a single YAML document; malformed YAML gives an invalid result, not an exception.</summary>
    public ManifestValidation Validate(string yaml)
    {
        JsonNode? manifest;
        try
        {
            manifest = YamlJson.ToJsonNode(yaml);
        }
        catch (ManifestFormatException ex)
        {
            return Invalid(null, null, ex.Message);
        }

        return manifest is null ? Invalid(null, null, "(root): the document is empty") : Validate(manifest);
    }

    /// <summary>Validates every document of a multi-document YAML stream, in order.</summary>
    public IReadOnlyList<ManifestValidation> ValidateAll(string yaml)
    {
        IReadOnlyList<JsonNode?> documents;
        try
        {
            documents = YamlJson.ToJsonNodes(yaml);
        }
        catch (ManifestFormatException ex)
        {
            return [Invalid(null, null, ex.Message)];
        }

        return [.. documents.Select(d => d is null ? Invalid(null, null, "(root): the document is null") : Validate(d))];
    }

    public ManifestValidation Validate(JsonNode manifest)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        if (manifest is not JsonObject obj)
        {
            return Invalid(null, null, $"(root): a manifest must be a mapping, not {manifest.GetValueKind().ToString().ToLowerInvariant()}");
        }

        var errors = new List<string>();
        var apiVersion = RequiredString(obj, "apiVersion", errors);
        var kind = RequiredString(obj, "kind", errors);
        if (obj.At("metadata", "name") is null)
        {
            errors.Add("/metadata/name: required field is missing");
        }

        if (apiVersion is null || kind is null)
        {
            return new ManifestValidation(false, apiVersion, kind, null, errors);
        }

        if (!_catalog.TryGet(apiVersion, kind, out var schema))
        {
            errors.Insert(0, $"(root): unknown kind '{kind}' in '{apiVersion}': no CRD or XRD in the schema catalogue defines it, and unknown kinds are rejected");
            return new ManifestValidation(false, apiVersion, kind, null, errors);
        }

        var compiled = _compiled.GetOrAdd(schema, s => new Lazy<CompiledSchema>(() => Compile(s))).Value;
        using var instance = JsonDocument.Parse(obj.ToJsonString());
        var results = compiled.Schema.Evaluate(instance.RootElement, s_evaluationOptions);
        if (!results.IsValid)
        {
            errors.AddRange(ValidationErrorRenderer.Render(results, compiled.Document, instance.RootElement));
        }

        // The up-front metadata.name check and the schema can report the same problem. Sorting groups the errors by
        // location, which reads better against the YAML than the schema's evaluation order.
        var distinct = errors.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        return new ManifestValidation(distinct.Count == 0, apiVersion, kind, schema.SourceName, distinct);
    }

    private CompiledSchema Compile(ManifestSchema schema)
    {
        var document = OpenApiSchemaTranslator.Translate(schema.OpenApiV3Schema, Strict).ToElement();

        // The dialect is explicit because JsonSchema.Net 8 defaults to its v1/2026 dialect, which rejects unknown
        // keywords; a private registry keeps every compiled schema out of the process-wide global registry.
        var options = new BuildOptions { SchemaRegistry = new SchemaRegistry(), Dialect = Dialect.Draft202012 };
        try
        {
            return new CompiledSchema(JsonSchema.Build(document, options), document);
        }
        catch (Exception ex) when (ex is JsonSchemaException or JsonException or ArgumentException)
        {
            throw new InvalidOperationException($"The schema of {schema} could not be compiled: {ex.Message}", ex);
        }
    }

    private static string? RequiredString(JsonObject manifest, string field, List<string> errors)
    {
        var value = manifest[field];
        if (value is null)
        {
            errors.Add($"/{field}: required field is missing");
            return null;
        }

        var text = value.AsString();
        if (string.IsNullOrEmpty(text))
        {
            errors.Add($"/{field}: expected a non-empty string");
            return null;
        }

        return text;
    }

    private static ManifestValidation Invalid(string? apiVersion, string? kind, string error) =>
        new(false, apiVersion, kind, null, [error]);
}
