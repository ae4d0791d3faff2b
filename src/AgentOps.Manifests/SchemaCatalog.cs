using System.Diagnostics.CodeAnalysis;

namespace AgentOps.Manifests;

/// <summary>
/// The kinds we know how to validate, read from CustomResourceDefinitions and Crossplane CompositeResourceDefinitions.
/// Anything not in the catalogue is rejected by <see cref="ManifestValidator"/>: we only write what we can check.
/// </summary>
public sealed class SchemaCatalog
{
    private readonly Dictionary<(string ApiVersion, string Kind), ManifestSchema> _schemas;

    private SchemaCatalog(Dictionary<(string ApiVersion, string Kind), ManifestSchema> schemas)
    {
        _schemas = schemas;
        Kinds = [.. schemas.Keys.Select(k => $"{k.ApiVersion} {k.Kind}").Order(StringComparer.Ordinal)];
    }

    /// <summary>Known kinds as "group/version Kind", e.g. <c>external-secrets.io/v1 ExternalSecret</c>, sorted.</summary>
    public IReadOnlyCollection<string> Kinds { get; }

    /// <summary>
    /// Loads every CRD (<c>apiextensions.k8s.io/v1</c>) and XRD (<c>apiextensions.crossplane.io/v1</c> or <c>v2</c>)
    /// found in the given YAML files, or in the <c>*.yaml</c>/<c>*.yml</c> files directly inside the given directories.
    /// Other documents in those files are ignored. Only served versions are registered. An XRD registers its
    /// composite kind and, when it has <c>spec.claimNames</c>, its claim kind too.
    /// </summary>
    /// <exception cref="FileNotFoundException">A path is neither a file nor a directory.</exception>
    /// <exception cref="ManifestFormatException">A file is not valid YAML, a definition is incomplete, or two different
    /// definitions claim the same apiVersion and kind.</exception>
    public static SchemaCatalog LoadFrom(params string[] paths)
    {
        ArgumentNullException.ThrowIfNull(paths);
        var schemas = new Dictionary<(string ApiVersion, string Kind), ManifestSchema>();
        foreach (var file in paths.SelectMany(ExpandPath))
        {
            Add(schemas, File.ReadAllText(file), file);
        }

        return new SchemaCatalog(schemas);
    }

    /// <summary>Builds a catalogue from YAML text; for tests and callers that hold definitions in memory.</summary>
    internal static SchemaCatalog FromYaml(string yaml, string origin = "inline YAML")
    {
        var schemas = new Dictionary<(string ApiVersion, string Kind), ManifestSchema>();
        Add(schemas, yaml, origin);
        return new SchemaCatalog(schemas);
    }

    public bool TryGet(string apiVersion, string kind, [MaybeNullWhen(false)] out ManifestSchema schema) =>
        _schemas.TryGetValue((apiVersion, kind), out schema);

    private static IEnumerable<string> ExpandPath(string path)
    {
        if (File.Exists(path))
        {
            return [path];
        }

        if (Directory.Exists(path))
        {
            return Directory.EnumerateFiles(path)
                .Where(f => f.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".yml", StringComparison.OrdinalIgnoreCase))
                .Order(StringComparer.Ordinal);
        }

        throw new FileNotFoundException($"Schema path '{path}' is neither a file nor a directory.", path);
    }

    private static void Add(Dictionary<(string ApiVersion, string Kind), ManifestSchema> schemas, string yaml, string origin)
    {
        IReadOnlyList<System.Text.Json.Nodes.JsonNode?> documents;
        try
        {
            documents = YamlJson.ToJsonNodes(yaml);
        }
        catch (ManifestFormatException ex)
        {
            throw new ManifestFormatException($"{origin}: {ex.Message}", ex.Line ?? 0, ex.Column ?? 0, ex);
        }

        foreach (var schema in documents.SelectMany(d => DefinitionReader.Read(d, origin)))
        {
            var key = (schema.ApiVersion, schema.Kind);

            // Loading the same definition twice is harmless; two definitions for one kind is a configuration error.
            if (schemas.TryGetValue(key, out var existing) && existing.SourceName != schema.SourceName)
            {
                throw new ManifestFormatException(
                    $"{origin}: {schema.ApiVersion} {schema.Kind} is defined by both '{existing.SourceName}' and '{schema.SourceName}'.");
            }

            schemas[key] = schema;
        }
    }
}
