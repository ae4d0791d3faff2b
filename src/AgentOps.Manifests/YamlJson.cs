using System.Text.Json.Nodes;

namespace AgentOps.Manifests;

/// <summary>
/// Converts YAML to <see cref="JsonNode"/> with the typing Kubernetes gives it (sigs.k8s.io/yaml, a YAML 1.1 resolver):
/// plain <c>20</c> is an integer, <c>1.5</c> a number, <c>true</c>/<c>yes</c>/<c>on</c> booleans, <c>null</c>/<c>~</c>/empty
/// null; quoted and block scalars are always strings. Anchors, aliases and <c>&lt;&lt;</c> merge keys are expanded.
/// </summary>
public static class YamlJson
{
    /// <summary>Reads a single YAML document; returns null for empty input or an explicit <c>null</c> document.</summary>
    /// <exception cref="ManifestFormatException">The YAML is malformed or holds more than one document.</exception>
    public static JsonNode? ToJsonNode(string yaml)
    {
        var documents = ToJsonNodes(yaml);
        return documents.Count switch
        {
            0 => null,
            1 => documents[0],
            _ => throw new ManifestFormatException(
                $"Expected a single YAML document but found {documents.Count}; use ToJsonNodes for multi-document YAML."),
        };
    }

    /// <summary>
    /// Reads every document of a <c>---</c> separated stream. Documents with no content at all (for example after a
    /// trailing <c>---</c>) are left out, as kubectl does; an explicit <c>null</c> document yields a null entry.
    /// </summary>
    /// <exception cref="ManifestFormatException">The YAML is malformed; the message and properties carry the line.</exception>
    public static IReadOnlyList<JsonNode?> ToJsonNodes(string yaml)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        return new YamlDocumentReader(yaml).ReadAll();
    }
}
