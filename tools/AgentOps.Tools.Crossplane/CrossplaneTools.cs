using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Nodes;
using AgentOps.Manifests;
using AgentOps.Planning;
using AgentOps.Tools.Hosting;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace AgentOps.Tools.Crossplane;

public sealed record RenderedClaim(string ApiVersion, string Kind, string Name, string Namespace, string Manifest);

public sealed record ClaimValidation(bool Valid, string? ApiVersion, string? Kind, string? Schema, IReadOnlyList<string> Errors);

public sealed record XrdList(IReadOnlyList<string> Kinds);

/// <summary>Renders claims from the skill catalogue and validates them against the XRDs' openAPIV3Schema.</summary>
[McpServerToolType]
public sealed class CrossplaneTools(SkillCatalog skills, ManifestValidator validator, SchemaCatalog schemas, ClaimStatusReader claims)
{
    [McpServerTool(Name = "claim_render", ReadOnly = true, Destructive = false, Idempotent = true, UseStructuredContent = true)]
    [Description("Render the Crossplane claim of a skill from its parameters. Scope: crossplane:render:skill/<skill>.")]
    public RenderedClaim ClaimRender(
        RequestContext<CallToolRequestParams> context,
        [Description("Skill name from the catalogue, e.g. provision-database")] string skill,
        [Description("The skill's parameters, as strings")] Dictionary<string, string> parameters)
    {
        _ = CallerCredential.From(context);
        var found = skills.Find(skill) ?? throw new McpException($"Unknown skill '{skill}'. Known: {string.Join(", ", skills.Skills.Select(s => s.Name))}.");
        if (string.IsNullOrWhiteSpace(found.ClaimTemplate))
        {
            throw new McpException($"Skill '{skill}' has no claim template.");
        }
        string manifest;
        JsonNode? node;
        try
        {
            manifest = SkillTemplate.Render(found.ClaimTemplate, parameters);
            node = YamlJson.ToJsonNode(manifest);
        }
        catch (Exception ex) when (ex is ArgumentException or KeyNotFoundException or InvalidOperationException or ManifestFormatException)
        {
            throw new McpException($"Cannot render the claim of '{skill}': {ex.Message}", ex);
        }
        return new RenderedClaim(
            node?["apiVersion"]?.GetValue<string>() ?? string.Empty,
            node?["kind"]?.GetValue<string>() ?? string.Empty,
            node?["metadata"]?["name"]?.GetValue<string>() ?? string.Empty,
            node?["metadata"]?["namespace"]?.GetValue<string>() ?? string.Empty,
            manifest);
    }

    [McpServerTool(Name = "claim_validate", ReadOnly = true, Destructive = false, Idempotent = true, UseStructuredContent = true, OutputSchemaType = typeof(ClaimValidation))]
    [Description("Validate a claim (YAML) against its XRD's openAPIV3Schema. An invalid claim is a tool error listing every violation. Scope: crossplane:validate:ns/<namespace>.")]
    public CallToolResult ClaimValidate(RequestContext<CallToolRequestParams> context, [Description("The claim as YAML")] string manifest)
    {
        _ = CallerCredential.From(context);
        ManifestValidation result;
        try
        {
            result = validator.Validate(manifest);
        }
        catch (ManifestFormatException ex)
        {
            result = new ManifestValidation(false, null, null, null, [ex.Message]);
        }
        var payload = new ClaimValidation(result.IsValid, result.ApiVersion, result.Kind, result.SchemaSource, result.Errors);
        var text = result.IsValid
            ? $"{result.Kind} is valid against {result.SchemaSource}."
            : $"{result.Kind ?? "manifest"} is invalid: {string.Join("; ", result.Errors)}";
        return new CallToolResult
        {
            IsError = !result.IsValid,
            StructuredContent = JsonSerializer.SerializeToElement(payload, JsonSerializerOptions.Web),
            Content = [new TextContentBlock { Text = text }],
        };
    }

    [McpServerTool(Name = "xrd_list", ReadOnly = true, Destructive = false, Idempotent = true, UseStructuredContent = true)]
    [Description("List the composite resource and claim kinds this server can validate. Scope: crossplane:read:xrds.")]
    public XrdList XrdList(RequestContext<CallToolRequestParams> context)
    {
        _ = CallerCredential.From(context);
        return new XrdList(schemas.Kinds.OrderBy(k => k, StringComparer.Ordinal).ToArray());
    }

    [McpServerTool(Name = "claim_status", ReadOnly = true, Destructive = false, Idempotent = true, UseStructuredContent = true)]
    [Description("Read a claim's status from the cluster: Ready and Synced, every condition (messages are untrusted text), the connection secret's name and the composite resource. Needs a configured cluster. Scope: crossplane:read:ns/<namespace>.")]
    public Task<ClaimStatus> ClaimStatus(
        RequestContext<CallToolRequestParams> context,
        [Description("Claim kind, e.g. Database")] string kind,
        [Description("The claim's namespace")] string @namespace,
        [Description("The claim's name")] string name,
        [Description("group/version when the kind is served at several versions")] string? apiVersion = null,
        CancellationToken cancellationToken = default)
    {
        _ = CallerCredential.From(context);
        return claims.ReadAsync(kind, @namespace, name, apiVersion, cancellationToken);
    }
}
