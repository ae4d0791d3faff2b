using System.Text.Json;
using AgentOps.Core;
using AgentOps.Manifests;
using AgentOps.Tools.Hosting;

namespace AgentOps.Tools.Crossplane;

/// <summary>
/// Rendering needs <c>crossplane:render:skill/&lt;skill&gt;</c>; validating a claim needs <c>crossplane:validate:ns/&lt;namespace&gt;</c>
/// of the claim's own namespace, read from the manifest itself so a token for one team cannot vet another team's claims;
/// reading a claim's status from the cluster needs <c>crossplane:read:ns/&lt;namespace&gt;</c>.
/// </summary>
internal sealed class CrossplaneScopes : IToolScopeResolver
{
    public Scope? RequiredScope(string toolName, IReadOnlyDictionary<string, JsonElement> arguments) => toolName switch
    {
        "claim_render" => new Scope("crossplane", "render", "skill/" + StringArgument(arguments, "skill")),
        "claim_validate" => new Scope("crossplane", "validate", "ns/" + ManifestNamespace(arguments)),
        "xrd_list" => new Scope("crossplane", "read", "xrds"),
        "claim_status" => new Scope("crossplane", "read", "ns/" + KubernetesName(arguments, "namespace")),
        _ => null,
    };

    private static string StringArgument(IReadOnlyDictionary<string, JsonElement> arguments, string name) =>
        arguments.TryGetValue(name, out var value) && value.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(value.GetString())
            ? value.GetString()!
            : "<missing>";

    // A namespace that is not a DNS-1123 label can never be in a token, so it maps to a scope no token names.
    private static string KubernetesName(IReadOnlyDictionary<string, JsonElement> arguments, string name) =>
        StringArgument(arguments, name) is var value && System.Text.RegularExpressions.Regex.IsMatch(value, "^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")
            ? value
            : "<invalid>";

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
