using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace AgentOps.Guardrails.Policy;

/// <summary>
/// Loads <c>guardrails/scope.yaml</c>: the YAML is read into JSON, checked against <c>guardrails/scope.schema.json</c>
/// with JsonSchema.Net, then checked for what a schema cannot see (a size that is not in the size list, an unknown
/// time zone, a tool the agent's AIAgent spec does not have). Every error is a <see cref="PolicyLoadException"/>
/// naming the file, the line and the field; nothing is returned half-loaded.
/// </summary>
public static class ActionPolicyLoader
{
    public const string FileName = "scope.yaml";
    public const string SchemaFileName = "scope.schema.json";

    /// <summary>Loads <c>scope.yaml</c> from <paramref name="directory"/>, checking tools against <paramref name="agents"/>.</summary>
    public static ActionPolicy Load(string directory, AgentCatalog? agents = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        return Load(Path.Combine(directory, FileName), Path.Combine(directory, SchemaFileName), agents);
    }

    public static ActionPolicy Load(string file, string schemaFile, AgentCatalog? agents)
    {
        ArgumentException.ThrowIfNullOrEmpty(file);
        ArgumentException.ThrowIfNullOrEmpty(schemaFile);
        if (!File.Exists(file))
        {
            throw new PolicyLoadException(file, 0, "", "the policy file is missing");
        }
        var lines = new Dictionary<string, int>(StringComparer.Ordinal);
        JsonNode? json;
        using var reader = File.OpenText(file);
        var parser = new Parser(reader);
        try
        {
            var yaml = new YamlStream();
            yaml.Load(parser);
            if (yaml.Documents.Count == 0)
            {
                throw new PolicyLoadException(file, 1, "", "the file is empty");
            }
            json = ToJson(yaml.Documents[0].RootNode, "", lines);
        }
        catch (YamlException ex)
        {
            throw new PolicyLoadException(file, (int)ex.Start.Line, "", $"not valid YAML: {ex.Message}", ex);
        }
        catch (InvalidOperationException ex)
        {
            // YamlDotNet's scanner gives up on some malformed input without a position: the last event it read is the place.
            var line = parser.Current is { } last ? (int)last.End.Line : 1;
            throw new PolicyLoadException(file, line, "", $"not valid YAML near line {line}: {ex.Message}", ex);
        }
        Validate(file, schemaFile, json, lines);
        return new ActionPolicyReader(file, lines, agents).Read((JsonObject)json!);
    }

    private static void Validate(string file, string schemaFile, JsonNode? json, Dictionary<string, int> lines)
    {
        JsonSchema schema;
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(schemaFile));
            schema = JsonSchema.Build(document.RootElement.Clone(), new BuildOptions { SchemaRegistry = new SchemaRegistry(), Dialect = Dialect.Draft202012 });
        }
        catch (Exception ex) when (ex is IOException or JsonException or JsonSchemaException or ArgumentException)
        {
            throw new PolicyLoadException(schemaFile, 0, "", $"the policy schema cannot be read: {ex.Message}", ex);
        }
        using var instance = JsonDocument.Parse(json?.ToJsonString() ?? "null");
        var result = schema.Evaluate(instance.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        if (result.IsValid)
        {
            return;
        }
        // The deepest location is the most precise; "All values fail against the false schema" means an unknown field.
        var error = (result.Details ?? []).Where(d => d.Errors is { Count: > 0 })
            .OrderByDescending(d => d.InstanceLocation.ToString().Length)
            .Select(d => (Path: d.InstanceLocation.ToString(), Message: string.Join("; ", d.Errors!.Select(e => e.Key == "false" ? "is not a known field" : e.Value))))
            .FirstOrDefault();
        var path = error.Path ?? "";
        throw new PolicyLoadException(file, LineOf(lines, path), path, error.Message ?? "does not match " + Path.GetFileName(schemaFile));
    }

    internal static int LineOf(Dictionary<string, int> lines, string pointer)
    {
        for (var path = pointer; ; path = path[..path.LastIndexOf('/')])
        {
            if (lines.TryGetValue(path, out var line))
            {
                return line;
            }
            if (path.Length == 0)
            {
                return 1;
            }
        }
    }

    /// <summary>YAML to JSON, recording each node's line under its JSON pointer. Plain scalars become numbers or booleans when they read as one.</summary>
    internal static JsonNode? ToJson(YamlNode node, string pointer, Dictionary<string, int> lines)
    {
        lines[pointer] = (int)node.Start.Line;
        switch (node)
        {
            case YamlMappingNode map:
                var obj = new JsonObject();
                foreach (var (key, value) in map.Children)
                {
                    var name = (key as YamlScalarNode)?.Value ?? throw new PolicyLoadException("", (int)key.Start.Line, pointer, "a key must be text");
                    var child = pointer + "/" + name.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);
                    obj[name] = ToJson(value, child, lines);
                    // A field is where its key is written, even when its value starts on the next line.
                    lines[child] = (int)key.Start.Line;
                }
                return obj;
            case YamlSequenceNode sequence:
                var array = new JsonArray();
                for (var i = 0; i < sequence.Children.Count; i++)
                {
                    array.Add(ToJson(sequence.Children[i], $"{pointer}/{i}", lines));
                }
                return array;
            case YamlScalarNode scalar:
                var text = scalar.Value ?? "";
                if (scalar.Style is not ScalarStyle.Plain)
                {
                    return JsonValue.Create(text);
                }
                if (text is "" or "~" or "null")
                {
                    return null;
                }
                if (text is "true" or "false")
                {
                    return JsonValue.Create(text == "true");
                }
                if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer))
                {
                    return JsonValue.Create(integer);
                }
                return decimal.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number)
                    ? JsonValue.Create(number)
                    : JsonValue.Create(text);
            default:
                return null;
        }
    }
}
