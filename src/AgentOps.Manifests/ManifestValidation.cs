namespace AgentOps.Manifests;

/// <summary>
/// The outcome of validating one manifest. <paramref name="Errors"/> are "&lt;JSON pointer&gt;: problem" lines,
/// e.g. <c>/spec/parameters/size: value 'huge' is not one of [small, medium, large]</c>; empty when valid.
/// </summary>
/// <param name="SchemaSource">metadata.name of the CRD or XRD the manifest was checked against; null when none was found.</param>
public sealed record ManifestValidation(
    bool IsValid,
    string? ApiVersion,
    string? Kind,
    string? SchemaSource,
    IReadOnlyList<string> Errors);
