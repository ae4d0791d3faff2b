using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;

namespace AgentOps.Planning.Kernel;

/// <summary>
/// The LLM prompt templates in <c>prompts/kernel/</c>: files under version control, rendered with <c>{{name}}</c>
/// placeholders, each identified by its SHA-256 so the audit log names the exact text a plan came from.
/// </summary>
public sealed class PromptLibrary
{
    private PromptLibrary(string planSystem, string repairUser, JsonSchema planSchema, string planSchemaText)
    {
        PlanSystem = planSystem;
        RepairUser = repairUser;
        PlanSchema = planSchema;
        Digest = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(planSystem + "\0" + repairUser + "\0" + planSchemaText)))[..16];
    }

    public string PlanSystem { get; }

    public string RepairUser { get; }

    public JsonSchema PlanSchema { get; }

    /// <summary>
    /// The investigator's system prompt (<c>investigate.system.md</c>, placeholders <c>{{spotlighting}}</c>,
    /// <c>{{scopes}}</c>, <c>{{unavailable}}</c>); null when the directory has none. Not part of <see cref="Digest"/>,
    /// which identifies the planning prompts; see <see cref="InvestigateDigest"/>.
    /// </summary>
    public string? InvestigateSystem { get; private init; }

    /// <summary>A short digest of the investigator's system prompt; null when there is none.</summary>
    public string? InvestigateDigest => InvestigateSystem is null
        ? null
        : "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(InvestigateSystem)))[..16];

    /// <summary>A short digest of every template and the schema together, recorded with each plan.</summary>
    public string Digest { get; }

    public static PromptLibrary Load(string directory)
    {
        string Read(string name)
        {
            var path = Path.Combine(directory, name);
            return File.Exists(path) ? File.ReadAllText(path) : throw new FileNotFoundException($"Prompt template '{path}' is missing.", path);
        }
        var schemaText = Read("plan.schema.json");
        JsonSchema schema;
        try
        {
            using var document = JsonDocument.Parse(schemaText);
            schema = JsonSchema.Build(document.RootElement.Clone(), new BuildOptions { SchemaRegistry = new SchemaRegistry(), Dialect = Dialect.Draft202012 });
        }
        catch (Exception ex) when (ex is JsonException or JsonSchemaException)
        {
            throw new InvalidDataException($"{Path.Combine(directory, "plan.schema.json")}: not a valid JSON Schema: {ex.Message}", ex);
        }
        var investigate = Path.Combine(directory, "investigate.system.md");
        return new PromptLibrary(StripHeader(Read("plan.system.md")), StripHeader(Read("repair.user.md")), schema, schemaText)
        {
            InvestigateSystem = File.Exists(investigate) ? StripHeader(File.ReadAllText(investigate)) : null,
        };
    }

    /// <summary>Replaces each <c>{{name}}</c>; a placeholder left over is a template error, not something to send.</summary>
    public static string Render(string template, IReadOnlyDictionary<string, string> values)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(values);
        var text = new StringBuilder(template);
        foreach (var (name, value) in values)
        {
            text.Replace("{{" + name + "}}", value);
        }
        var rendered = text.ToString();
        var start = rendered.IndexOf("{{", StringComparison.Ordinal);
        return start >= 0 && rendered.IndexOf("}}", start, StringComparison.Ordinal) > start
            ? throw new InvalidOperationException($"Prompt placeholder left unfilled near '{rendered[start..Math.Min(rendered.Length, start + 30)]}'.")
            : rendered;
    }

    /// <summary>The skill catalogue as the model sees it: what each skill does and the parameters it takes, no step template.</summary>
    public static string Catalogue(SkillCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        var skills = new JsonArray();
        foreach (var skill in catalog.Skills)
        {
            var parameters = new JsonArray();
            foreach (var p in skill.Parameters)
            {
                var node = new JsonObject
                {
                    ["name"] = p.Name,
                    ["kind"] = p.Kind == SkillParameterKind.Choice ? "choice" : "text",
                    ["required"] = p.Required,
                    ["description"] = p.Description,
                };
                if (p.Kind == SkillParameterKind.Choice)
                {
                    node["values"] = new JsonArray(p.Values.Select(v => (JsonNode)JsonValue.Create(v.Value)).ToArray());
                }
                if (p.Examples.Count > 0)
                {
                    node["examples"] = new JsonArray(p.Examples.Select(e => (JsonNode)JsonValue.Create(e)).ToArray());
                }
                parameters.Add(node);
            }
            skills.Add(new JsonObject
            {
                ["name"] = skill.Name,
                ["description"] = skill.Description,
                ["examples"] = new JsonArray(skill.Examples.Select(e => (JsonNode)JsonValue.Create(e)).ToArray()),
                ["parameters"] = parameters,
            });
        }
        return skills.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
    }

    // The first line is a comment naming the template and its version, for people; the model does not need it.
    private static string StripHeader(string text) =>
        text.StartsWith("<!--", StringComparison.Ordinal) && text.IndexOf("-->", StringComparison.Ordinal) is var end and > 0
            ? text[(end + 3)..].TrimStart('\r', '\n')
            : text;
}
