using System.Text.Json.Nodes;

namespace AgentOps.Manifests;

/// <summary>Turns CustomResourceDefinition and CompositeResourceDefinition documents into per-kind schemas.</summary>
internal static class DefinitionReader
{
    public const string CrdKind = "CustomResourceDefinition";
    public const string XrdKind = "CompositeResourceDefinition";

    // A CRD version without a schema is accepted by the API server only with preserveUnknownFields (v1beta1 era);
    // treat it as "anything goes" rather than guessing.
    private const string PermissiveSchema = """{"type":"object","x-kubernetes-preserve-unknown-fields":true}""";

    /// <summary>Schemas defined by <paramref name="document"/>; none when it is not a CRD or XRD.</summary>
    public static IEnumerable<ManifestSchema> Read(JsonNode? document, string origin)
    {
        var apiVersion = document.At("apiVersion").AsString();
        var kind = document.At("kind").AsString();
        return (apiVersion, kind) switch
        {
            ("apiextensions.k8s.io/v1", CrdKind) => ReadCrd(document!, origin),
            ("apiextensions.crossplane.io/v1" or "apiextensions.crossplane.io/v2", XrdKind) => ReadXrd(document!, apiVersion, origin),
            _ => [],
        };
    }

    private static List<ManifestSchema> ReadCrd(JsonNode crd, string origin)
    {
        var (name, group, kind) = Identify(crd, CrdKind, origin);
        var schemas = new List<ManifestSchema>();
        foreach (var (version, schema) in ServedVersions(crd, name, origin))
        {
            var openApi = schema ?? JsonNode.Parse(PermissiveSchema)!.AsObject();
            schemas.Add(new ManifestSchema($"{group}/{version}", kind, name, CrdKind, openApi.ToElement(), crd.At("spec", "names", "plural").AsString()));
        }

        return schemas;
    }

    private static List<ManifestSchema> ReadXrd(JsonNode xrd, string apiVersion, string origin)
    {
        var (name, group, kind) = Identify(xrd, XrdKind, origin);
        var claimKind = xrd.At("spec", "claimNames", "kind").AsString();

        // v1 XRDs are always "LegacyCluster"; v2 defaults to Namespaced (see the XRD CRD's defaults).
        var scope = xrd.At("spec", "scope").AsString()
            ?? (apiVersion.EndsWith("/v1", StringComparison.Ordinal) ? CrossplaneSchemas.LegacyClusterScope : "Namespaced");
        var schemas = new List<ManifestSchema>();
        foreach (var (version, schema) in ServedVersions(xrd, name, origin))
        {
            var composite = CrossplaneSchemas.ForComposite(schema, scope);
            schemas.Add(new ManifestSchema($"{group}/{version}", kind, name, XrdKind, composite.ToElement(), xrd.At("spec", "names", "plural").AsString()));
            if (claimKind is not null)
            {
                var claim = CrossplaneSchemas.ForClaim(schema);
                schemas.Add(new ManifestSchema($"{group}/{version}", claimKind, name, XrdKind, claim.ToElement(), xrd.At("spec", "claimNames", "plural").AsString(), isClaim: true));
            }
        }

        return schemas;
    }

    private static (string Name, string Group, string Kind) Identify(JsonNode definition, string definitionKind, string origin)
    {
        var name = definition.At("metadata", "name").AsString() ?? "(unnamed)";
        var group = definition.At("spec", "group").AsString();
        var kind = definition.At("spec", "names", "kind").AsString();
        if (string.IsNullOrEmpty(group) || string.IsNullOrEmpty(kind))
        {
            throw new ManifestFormatException(
                $"{origin}: {definitionKind} '{name}' must set spec.group and spec.names.kind.");
        }

        return (name, group, kind);
    }

    // Versions that are not served cannot be applied, so their kinds must not validate.
    private static IEnumerable<(string Version, JsonObject? Schema)> ServedVersions(JsonNode definition, string name, string origin)
    {
        if (definition.At("spec", "versions") is not JsonArray versions || versions.Count == 0)
        {
            throw new ManifestFormatException($"{origin}: '{name}' has no spec.versions.");
        }

        foreach (var version in versions)
        {
            var versionName = version.At("name").AsString()
                ?? throw new ManifestFormatException($"{origin}: '{name}' has a version without a name.");
            if (version.At("served").AsBool() == true)
            {
                yield return (versionName, version.At("schema", "openAPIV3Schema") as JsonObject);
            }
        }
    }
}
