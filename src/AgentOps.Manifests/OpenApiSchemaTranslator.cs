using System.Text.Json;
using System.Text.Json.Nodes;

namespace AgentOps.Manifests;

/// <summary>
/// Translates a Kubernetes structural OpenAPI v3 schema into JSON Schema draft 2020-12.
/// </summary>
/// <remarks>
/// Strict mode: the API server prunes fields a structural schema does not declare instead of rejecting them, so a
/// typo such as <c>sizee</c> would be applied silently and simply lost. Our manifests are generated, and a dropped
/// field is a bug, so in strict mode every object schema that declares <c>properties</c> (and neither
/// <c>additionalProperties</c> nor <c>x-kubernetes-preserve-unknown-fields</c>) gets <c>additionalProperties: false</c>.
/// </remarks>
internal static class OpenApiSchemaTranslator
{
    private const string Dns1123Subdomain = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";
    private const string Dns1123Label = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$";
    private const int MaxNameLength = 253;

    private static readonly HashSet<string> s_copiedKeywords = new(StringComparer.Ordinal)
    {
        "required", "enum", "const", "pattern", "minimum", "maximum", "multipleOf", "minLength", "maxLength",
        "minItems", "maxItems", "uniqueItems", "minProperties", "maxProperties", "description", "title",
    };

    // Formats whose JSON Schema meaning matches Kubernetes'. Others are dropped: some mean something else
    // (Kubernetes "duration" is Go's "1h30m", JSON Schema's is ISO 8601 "PT1H30M"), and int32/int64/byte/... are
    // unknown to JSON Schema.
    private static readonly HashSet<string> s_checkedFormats = new(StringComparer.Ordinal)
    {
        "date", "date-time", "email", "hostname", "ipv4", "ipv6", "uuid",
    };

    public static JsonObject Translate(JsonElement openApiSchema, bool strict)
    {
        var root = TranslateNode(openApiSchema, strict);

        // The API server always accepts apiVersion, kind and metadata at the root, listed or not.
        var properties = root["properties"] as JsonObject ?? [];
        root["properties"] = properties;
        properties["apiVersion"] = new JsonObject { ["type"] = "string" };
        properties["kind"] = new JsonObject { ["type"] = "string" };
        properties["metadata"] = MetadataSchema(openApiSchema);
        return root;
    }

    /// <summary>
    /// The API server validates ObjectMeta itself and a CRD may only narrow metadata.name, so we check what we
    /// generate (name, namespace, labels, annotations) and leave other metadata fields alone.
    /// </summary>
    private static JsonObject MetadataSchema(JsonElement root)
    {
        var maxName = MaxNameLength;
        if (TryGet(root, out var declared, "properties", "metadata", "properties", "name", "maxLength")
            && declared.TryGetInt32(out var length) && length < maxName)
        {
            maxName = length;
        }

        var stringMap = """{"type":"object","additionalProperties":{"type":"string"}}""";
        return new JsonObject
        {
            ["type"] = "object",
            ["required"] = new JsonArray("name"),
            ["properties"] = new JsonObject
            {
                ["name"] = new JsonObject { ["type"] = "string", ["maxLength"] = maxName, ["pattern"] = Dns1123Subdomain },
                ["namespace"] = new JsonObject { ["type"] = "string", ["maxLength"] = 63, ["pattern"] = Dns1123Label },
                ["labels"] = JsonNode.Parse(stringMap),
                ["annotations"] = JsonNode.Parse(stringMap),
            },
        };
    }

    private static JsonObject TranslateNode(JsonElement schema, bool strict)
    {
        var result = new JsonObject();
        if (schema.ValueKind != JsonValueKind.Object)
        {
            return result;
        }

        var preserveUnknown = IsTrue(schema, "x-kubernetes-preserve-unknown-fields");
        var intOrString = IsTrue(schema, "x-kubernetes-int-or-string");
        var nullable = IsTrue(schema, "nullable");
        foreach (var keyword in schema.EnumerateObject())
        {
            var value = keyword.Value;
            switch (keyword.Name)
            {
                case "properties" when value.ValueKind == JsonValueKind.Object:
                    var properties = new JsonObject();
                    foreach (var property in value.EnumerateObject())
                    {
                        properties[property.Name] = TranslateNode(property.Value, strict);
                    }

                    result["properties"] = properties;
                    break;
                case "additionalProperties":
                    result["additionalProperties"] = value.ValueKind is JsonValueKind.True or JsonValueKind.False
                        ? JsonValue.Create(value.GetBoolean())
                        : TranslateNode(value, strict);
                    break;
                case "items" when value.ValueKind == JsonValueKind.Array:
                    result["prefixItems"] = new JsonArray([.. value.EnumerateArray().Select(i => (JsonNode)TranslateNode(i, strict))]);
                    break;
                case "items":
                    result["items"] = TranslateNode(value, strict);
                    break;
                case "anyOf" when intOrString && IsTypeOnly(value):
                    // The conventional anyOf [integer, string] of an int-or-string is carried by "type" below;
                    // keeping it would wrongly reject null when the field is also nullable.
                    break;
                case "allOf" or "anyOf" or "oneOf" when value.ValueKind == JsonValueKind.Array:
                    // Branches only add value checks in a structural schema, so they must not be made strict.
                    result[keyword.Name] = new JsonArray([.. value.EnumerateArray().Select(b => (JsonNode)TranslateNode(b, strict: false))]);
                    break;
                case "not":
                    result["not"] = TranslateNode(value, strict: false);
                    break;
                case "format" when value.ValueKind == JsonValueKind.String && s_checkedFormats.Contains(value.GetString()!):
                    result["format"] = value.GetString();
                    break;
                case "exclusiveMinimum" or "exclusiveMaximum" when value.ValueKind is JsonValueKind.Number:
                    result[keyword.Name] = JsonNode.Parse(value.GetRawText());
                    break;
                case "x-kubernetes-list-type" when value.ValueKind == JsonValueKind.String && value.GetString() == "set":
                    result["uniqueItems"] = true;
                    break;
                case var name when s_copiedKeywords.Contains(name):
                    result[name] = JsonNode.Parse(value.GetRawText());
                    break;
                default:
                    // type and nullable are handled below; x-kubernetes-validations (CEL), list/map markers,
                    // default, example and the like cannot or need not be checked here.
                    break;
            }
        }

        ApplyExclusiveBound(schema, result, "exclusiveMinimum", "minimum");
        ApplyExclusiveBound(schema, result, "exclusiveMaximum", "maximum");
        ApplyType(schema, result, intOrString, nullable);

        if (IsTrue(schema, "x-kubernetes-embedded-resource") && result["properties"] is JsonObject embedded)
        {
            // Embedded objects implicitly allow their own apiVersion, kind and metadata.
            embedded.TryAdd("apiVersion", new JsonObject { ["type"] = "string" });
            embedded.TryAdd("kind", new JsonObject { ["type"] = "string" });
            embedded.TryAdd("metadata", new JsonObject { ["type"] = "object" });
        }

        if (strict && !preserveUnknown && result.ContainsKey("properties") && !result.ContainsKey("additionalProperties"))
        {
            result["additionalProperties"] = false;
        }

        return result;
    }

    private static void ApplyType(JsonElement schema, JsonObject result, bool intOrString, bool nullable)
    {
        var types = new List<string>();
        if (intOrString)
        {
            types.AddRange(["integer", "string"]);
        }
        else if (schema.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String)
        {
            types.Add(type.GetString()!);
        }

        if (nullable)
        {
            if (types.Count > 0)
            {
                types.Add("null");
            }

            // An enum lists the non-null values only; nullable adds null to them.
            if (result["enum"] is JsonArray values && !values.Any(v => v is null))
            {
                values.Add(null);
            }
        }

        if (types.Count > 0)
        {
            result["type"] = types.Count == 1 ? JsonValue.Create(types[0]) : new JsonArray([.. types.Select(t => (JsonNode)t)]);
        }
    }

    // OpenAPI 3.0 spells "x > 1" as minimum: 1 plus exclusiveMinimum: true; JSON Schema as exclusiveMinimum: 1.
    private static void ApplyExclusiveBound(JsonElement schema, JsonObject result, string exclusive, string inclusive)
    {
        if (IsTrue(schema, exclusive) && result[inclusive] is { } bound)
        {
            result.Remove(inclusive);
            result[exclusive] = bound;
        }
    }

    private static bool IsTypeOnly(JsonElement branches) =>
        branches.ValueKind == JsonValueKind.Array
        && branches.EnumerateArray().All(b => b.ValueKind == JsonValueKind.Object && b.EnumerateObject().All(k => k.Name == "type"));

    private static bool IsTrue(JsonElement schema, string keyword) =>
        schema.TryGetProperty(keyword, out var value) && value.ValueKind == JsonValueKind.True;

    private static bool TryGet(JsonElement element, out JsonElement value, params string[] path)
    {
        value = element;
        foreach (var segment in path)
        {
            if (value.ValueKind != JsonValueKind.Object || !value.TryGetProperty(segment, out value))
            {
                return false;
            }
        }

        return true;
    }
}
