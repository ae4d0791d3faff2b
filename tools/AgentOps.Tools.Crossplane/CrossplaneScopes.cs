using System.Text.Json;
using AgentOps.Core;
using AgentOps.Manifests;
using AgentOps.Tools.Hosting;

namespace AgentOps.Tools.Crossplane;

/// <summary>
/// Rendering needs <c>crossplane:render:skill/&lt;skill&gt;</c>; validating a claim needs <c>crossplane:validate:ns/&lt;namespace&gt;</c>
/// of the claim's own namespace, read from the manifest itself so a token for one team cannot vet another team's claims.
/// </summary>
internal sealed class CrossplaneScopes : IToolScopeResolver
{
    public Scope? RequiredScope(string toolName, IReadOnlyDictionary<string, JsonElement> arguments) => toolName switch
    {
        "claim_render" => new Scope("crossplane", "render", "skill/" + StringArgument(arguments, "skill")),
        "claim_validate" => new Scope("crossplane", "validate", "ns/" + ManifestNamespace(arguments)),
        "xrd_list" => new Scope("crossplane", "read", "xrds"),
        _ => null,
    };

    private static string StringArgument(IReadOnlyDictionary<string, JsonElement> arguments, string name) =>
        arguments.TryGetValue(name, out var value) && value.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(value.GetString())
            ? value.GetString()!
            : "<missing>";

    private static string ManifestNamespace(IReadOnlyDictionary<string, JsonElement> arguments)
    {
        var manifest = StringArgument(arguments, "manifest");
        try
        {
            return YamlJson.ToJsonNode(manifest)?["metadata"]?["namespace"]?.GetValue<string>() ?? "<missing>";
        }
        catch (Exception ex) when (ex is ManifestFormatException or InvalidOperationException or FormatException)
        {
            return "<unreadable>";
        }
    }
}
