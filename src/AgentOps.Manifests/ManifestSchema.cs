using System.Text.Json;

namespace AgentOps.Manifests;

/// <summary>
/// The OpenAPI v3 schema of one kind at one API version, as the API server would enforce it, and where it came from.
/// </summary>
public sealed class ManifestSchema
{
    internal ManifestSchema(string apiVersion, string kind, string sourceName, string sourceKind, JsonElement openApiV3Schema, string? plural = null, bool isClaim = false)
    {
        ApiVersion = apiVersion;
        Kind = kind;
        Plural = plural;
        IsClaim = isClaim;
        SourceName = sourceName;
        SourceKind = sourceKind;
        OpenApiV3Schema = openApiV3Schema;
    }

    /// <summary>"group/version", e.g. <c>external-secrets.io/v1</c>.</summary>
    public string ApiVersion { get; }

    public string Kind { get; }

    /// <summary>The resource name in REST paths (<c>spec.names.plural</c>, or <c>spec.claimNames.plural</c> for a claim), when the definition gives one.</summary>
    public string? Plural { get; }

    /// <summary>True for the namespaced claim kind of a Crossplane XRD (<c>spec.claimNames</c>).</summary>
    public bool IsClaim { get; }

    /// <summary>metadata.name of the CustomResourceDefinition or CompositeResourceDefinition that defines the kind.</summary>
    public string SourceName { get; }

    /// <summary><c>CustomResourceDefinition</c> or <c>CompositeResourceDefinition</c>.</summary>
    public string SourceKind { get; }

    /// <summary>
    /// For a CRD, its openAPIV3Schema. For an XRD, the schema of the CRD Crossplane generates from it (with the
    /// Crossplane machinery fields injected), because that is what the API server checks claims and composites against.
    /// </summary>
    internal JsonElement OpenApiV3Schema { get; }

    public override string ToString() => $"{ApiVersion} {Kind} (from {SourceKind} {SourceName})";
}
