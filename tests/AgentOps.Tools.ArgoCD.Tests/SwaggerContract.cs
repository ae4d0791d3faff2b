using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace AgentOps.Tools.ArgoCD.Tests;

/// <summary>
/// ArgoCD's published API shapes (<c>tests/fixtures/argocd/swagger.json</c>), used to check that a JSON document or a
/// C# wire record names only fields the definition has, with the right kind of value.
/// </summary>
/// <remarks>
/// ArgoCD serialises its Go types with <c>encoding/json</c>, while the swagger is generated from their protobuf
/// descriptions. Where the two differ, the wire wins, and the differences are listed here rather than hidden:
/// an IntOrString is a bare number or string on the wire, a RawExtension is any JSON, and Go's inlined structs
/// (<c>KustomizeSelector.resId</c>, <c>KustomizeResId.gvk</c>) put their fields in the parent.
/// </remarks>
internal sealed class SwaggerContract
{
    private static readonly HashSet<(string Definition, string Property)> s_inlined =
    [
        ("v1alpha1KustomizeSelector", "resId"),
        ("v1alpha1KustomizeResId", "gvk"),
    ];

    private readonly JsonObject _definitions;

    private SwaggerContract(JsonObject definitions) => _definitions = definitions;

    public static SwaggerContract Load()
    {
        var swagger = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "fixtures", "argocd", "swagger.json")))!;
        return new SwaggerContract(swagger["definitions"]!.AsObject());
    }

    public bool HasDefinition(string definition) => _definitions.ContainsKey(definition);

    /// <summary>Every place where <paramref name="document"/> departs from <paramref name="definition"/>: unknown fields and wrong kinds of value.</summary>
    public IReadOnlyList<string> Violations(JsonNode? document, string definition)
    {
        var violations = new List<string>();
        Check(document, Definition(definition), definition, "", violations);
        return violations;
    }

    /// <summary>Every property of a wire record (and of the records it holds) whose JSON name the definition lacks.</summary>
    public IReadOnlyList<string> RecordViolations(Type record, string definition)
    {
        var violations = new List<string>();
        CheckRecord(record, definition, record.Name, violations);
        return violations;
    }

    private void Check(JsonNode? node, JsonObject schema, string definition, string path, List<string> violations)
    {
        switch (definition)
        {
            case "runtimeRawExtension":
                return;
            case "intstrIntOrString" when node is JsonValue:
                return;
        }
        var type = schema["type"]?.GetValue<string>();
        switch (node)
        {
            case null:
                return;
            case JsonObject obj when schema["properties"] is JsonObject:
                var properties = Properties(schema, definition);
                foreach (var (key, child) in obj)
                {
                    if (!properties.TryGetValue(key, out var property))
                    {
                        violations.Add($"{path}/{key}: {definition} has no property '{key}'");
                        continue;
                    }
                    var (childSchema, childDefinition) = Resolve(property.Schema, property.Definition);
                    Check(child, childSchema, childDefinition, $"{path}/{key}", violations);
                }
                return;
            case JsonObject obj when schema["additionalProperties"] is JsonObject values:
                var (valueSchema, valueDefinition) = Resolve(values, definition);
                foreach (var (key, child) in obj)
                {
                    Check(child, valueSchema, valueDefinition, $"{path}/{key}", violations);
                }
                return;
            case JsonObject when type is "object" or null:
                return;
            case JsonArray array when type == "array":
                var (itemSchema, itemDefinition) = Resolve(schema["items"]!.AsObject(), definition);
                for (var i = 0; i < array.Count; i++)
                {
                    Check(array[i], itemSchema, itemDefinition, $"{path}/{i}", violations);
                }
                return;
            case JsonValue value when Fits(value.GetValueKind(), type):
                return;
            default:
                violations.Add($"{path}: {node.GetValueKind()} where {definition} wants {type ?? "an object"}");
                return;
        }
    }

    private static bool Fits(JsonValueKind kind, string? type) => type switch
    {
        "string" => kind == JsonValueKind.String,
        "integer" or "number" => kind == JsonValueKind.Number,
        "boolean" => kind is JsonValueKind.True or JsonValueKind.False,
        _ => false,
    };

    private void CheckRecord(Type record, string definition, string path, List<string> violations)
    {
        var properties = Properties(Definition(definition), definition);
        foreach (var property in record.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            var name = property.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name ?? JsonNamingPolicy.CamelCase.ConvertName(property.Name);
            if (!properties.TryGetValue(name, out var schema))
            {
                violations.Add($"{path}.{property.Name}: {definition} has no property '{name}'");
                continue;
            }
            var (resolved, resolvedDefinition) = Resolve(schema.Schema, schema.Definition);
            var type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IReadOnlyList<>))
            {
                if (resolved["type"]?.GetValue<string>() != "array")
                {
                    violations.Add($"{path}.{property.Name}: a list, but {definition}.{name} is not an array");
                    continue;
                }
                type = type.GetGenericArguments()[0];
                (resolved, resolvedDefinition) = Resolve(resolved["items"]!.AsObject(), resolvedDefinition);
            }
            if (type.Assembly == record.Assembly && type.IsClass)
            {
                CheckRecord(type, resolvedDefinition, $"{path}.{property.Name}", violations);
            }
        }
    }

    // A definition's properties, with those of Go-inlined structs lifted into it as the wire has them.
    private Dictionary<string, (JsonObject Schema, string Definition)> Properties(JsonObject schema, string definition)
    {
        var properties = new Dictionary<string, (JsonObject, string)>(StringComparer.Ordinal);
        foreach (var (key, value) in schema["properties"]?.AsObject() ?? [])
        {
            if (s_inlined.Contains((definition, key)) && value?["$ref"] is JsonValue reference)
            {
                var inlinedDefinition = DefinitionName(reference.GetValue<string>());
                foreach (var inlined in Properties(Definition(inlinedDefinition), inlinedDefinition))
                {
                    properties[inlined.Key] = inlined.Value;
                }
                continue;
            }
            properties[key] = (value!.AsObject(), definition);
        }
        return properties;
    }

    private (JsonObject Schema, string Definition) Resolve(JsonObject schema, string definition) =>
        schema["$ref"] is JsonValue reference
            ? (Definition(DefinitionName(reference.GetValue<string>())), DefinitionName(reference.GetValue<string>()))
            : (schema, definition);

    private JsonObject Definition(string name) =>
        _definitions[name]?.AsObject() ?? throw new KeyNotFoundException($"swagger.json has no definition '{name}'");

    private static string DefinitionName(string reference) => reference["#/definitions/".Length..];
}
