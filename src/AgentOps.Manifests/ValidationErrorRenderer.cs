using System.Globalization;
using System.Text.Json;
using Json.Schema;

namespace AgentOps.Manifests;

/// <summary>
/// Turns JsonSchema.Net results into messages an agent or a reviewer can act on:
/// "&lt;JSON pointer&gt;: what is wrong", quoting the offending value and the allowed values or limits.
/// </summary>
internal static class ValidationErrorRenderer
{
    private const int MaxShownLength = 80;

    public static IEnumerable<string> Render(EvaluationResults results, JsonElement schema, JsonElement instance)
    {
        // List output flattens every evaluated node, including failed branches of anyOf/oneOf that did not decide
        // the outcome, and a failed anyOf/oneOf/not itself carries no error: both are handled at the combinator.
        var nodes = results.Details is { Count: > 0 } details ? details.ToList() : [results];
        var validity = new Dictionary<(string Path, string Location), bool>();
        foreach (var node in nodes)
        {
            var key = (node.EvaluationPath.ToString(), node.InstanceLocation.ToString());
            validity[key] = validity.TryGetValue(key, out var known) ? known && node.IsValid : node.IsValid;
        }

        foreach (var node in nodes.Where(n => !n.IsValid))
        {
            var path = node.EvaluationPath.ToString();
            var location = node.InstanceLocation.ToString();
            if (SchemaPath.IsInsideAlternative(path))
            {
                continue;
            }

            var subschema = SchemaPath.Resolve(schema, path);
            var value = Locate(instance, location);
            var messages = node.Errors is { Count: > 0 } errors
                ? errors.SelectMany(e => Describe(e.Key, e.Value, path, location, subschema, value))
                : DescribeCombinators(nodes, validity, path, location, subschema);
            foreach (var message in messages)
            {
                yield return message;
            }
        }
    }

    private static IEnumerable<string> Describe(
        string keyword, string fallback, string path, string location, JsonElement? subschema, JsonElement? value)
    {
        var at = Show(location);
        var limit = subschema is { ValueKind: JsonValueKind.Object } s && s.TryGetProperty(keyword, out var l) ? l : (JsonElement?)null;
        switch (keyword)
        {
            case "required":
                var present = value is { ValueKind: JsonValueKind.Object } obj ? obj.EnumerateObject().Select(p => p.Name).ToHashSet() : [];
                var missing = limit?.EnumerateArray().Select(r => r.GetString()!).Where(r => !present.Contains(r)).ToList() ?? [];
                if (missing.Count == 0)
                {
                    yield return $"{at}: {fallback}";
                }

                foreach (var name in missing)
                {
                    yield return $"{location}/{SchemaPath.Escape(name)}: required field is missing";
                }

                break;
            case "" when path.EndsWith("/additionalProperties", StringComparison.Ordinal):
                var field = SchemaPath.Split(location).LastOrDefault() ?? string.Empty;
                yield return $"{at}: unknown field '{field}' is not in the schema (typo? Kubernetes would silently drop it)";
                break;
            case "enum" when limit is { ValueKind: JsonValueKind.Array } allowed:
                yield return $"{at}: value {Show(value)} is not one of [{string.Join(", ", allowed.EnumerateArray().Select(Plain))}]";
                break;
            case "const" when limit is { } expected:
                yield return $"{at}: value {Show(value)} must be {Plain(expected)}";
                break;
            case "type" when limit is { } types:
                var expectedTypes = types.ValueKind == JsonValueKind.Array
                    ? string.Join(" or ", types.EnumerateArray().Select(t => t.GetString()))
                    : types.GetString();
                yield return $"{at}: expected {expectedTypes} but got {TypeName(value)}{(value is { ValueKind: JsonValueKind.Null } ? string.Empty : " " + Show(value))}";
                break;
            case "pattern" when limit is { } pattern:
                yield return $"{at}: value {Show(value)} does not match pattern {pattern.GetString()}";
                break;
            case "format" when limit is { } format:
                yield return $"{at}: value {Show(value)} is not a valid {format.GetString()}";
                break;
            case "minimum" or "maximum" or "exclusiveMinimum" or "exclusiveMaximum" or "multipleOf" when limit is { } bound:
                yield return $"{at}: value {Show(value)} {NumericRule(keyword)} {bound.GetRawText()}";
                break;
            case "minLength" or "maxLength" or "minItems" or "maxItems" or "minProperties" or "maxProperties" when limit is { } size:
                yield return $"{at}: {Size(value)} is {(keyword.StartsWith("min", StringComparison.Ordinal) ? "below the minimum" : "above the maximum")} of {size.GetRawText()}";
                break;
            case "uniqueItems":
                yield return $"{at}: items must be unique ({fallback})";
                break;
            default:
                yield return $"{at}: {(keyword.Length == 0 ? fallback : $"{keyword}: {fallback}")}";
                break;
        }
    }

    private static IEnumerable<string> DescribeCombinators(
        List<EvaluationResults> nodes,
        Dictionary<(string Path, string Location), bool> validity,
        string path,
        string location,
        JsonElement? subschema)
    {
        if (subschema is not { ValueKind: JsonValueKind.Object } schema)
        {
            yield break;
        }

        foreach (var combinator in new[] { "anyOf", "oneOf" })
        {
            if (!schema.TryGetProperty(combinator, out var branches) || branches.ValueKind != JsonValueKind.Array)
            {
                continue;
            }

            var count = branches.GetArrayLength();
            var passed = Enumerable.Range(0, count).Count(i => validity.GetValueOrDefault(($"{path}/{combinator}/{i}", location), true));
            if (passed == 0)
            {
                var reasons = nodes
                    .Where(n => !n.IsValid && n.Errors is { Count: > 0 } && n.EvaluationPath.ToString().StartsWith($"{path}/{combinator}/", StringComparison.Ordinal))
                    .SelectMany(n => n.Errors!.Select(e => $"{e.Key}: {e.Value}"))
                    .Distinct();
                yield return $"{Show(location)}: value matches none of the {count} allowed alternatives ({combinator}: {string.Join("; ", reasons)})";
            }
            else if (combinator == "oneOf" && passed > 1)
            {
                yield return $"{Show(location)}: value matches {passed} of the oneOf alternatives but must match exactly one";
            }
        }

        if (schema.TryGetProperty("not", out _) && validity.GetValueOrDefault(($"{path}/not", location), false))
        {
            yield return $"{Show(location)}: value matches a schema it must not match (not)";
        }
    }

    private static JsonElement? Locate(JsonElement instance, string location)
    {
        var current = instance;
        foreach (var segment in SchemaPath.Split(location))
        {
            if (current.ValueKind == JsonValueKind.Object && current.TryGetProperty(segment, out var child))
            {
                current = child;
            }
            else if (current.ValueKind == JsonValueKind.Array && int.TryParse(segment, CultureInfo.InvariantCulture, out var i) && i < current.GetArrayLength())
            {
                current = current[i];
            }
            else
            {
                return null;
            }
        }

        return current;
    }

    private static string Show(string location) => location.Length == 0 ? "(root)" : location;

    private static string Show(JsonElement? value) => value switch
    {
        null => "(missing)",
        { ValueKind: JsonValueKind.String } s => $"'{Truncate(s.GetString()!)}'",
        { } other => Truncate(other.GetRawText()),
    };

    private static string Plain(JsonElement value) =>
        value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText();

    private static string TypeName(JsonElement? value) => value?.ValueKind switch
    {
        JsonValueKind.Object => "object",
        JsonValueKind.Array => "array",
        JsonValueKind.String => "string",
        JsonValueKind.Number => value.Value.TryGetInt64(out _) ? "integer" : "number",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        JsonValueKind.Null => "null",
        _ => "nothing",
    };

    private static string NumericRule(string keyword) => keyword switch
    {
        "minimum" => "is less than the minimum",
        "maximum" => "is greater than the maximum",
        "exclusiveMinimum" => "must be greater than",
        "exclusiveMaximum" => "must be less than",
        _ => "is not a multiple of",
    };

    private static string Size(JsonElement? value) => value?.ValueKind switch
    {
        JsonValueKind.String => $"length {value.Value.GetString()!.Length}",
        JsonValueKind.Array => $"{value.Value.GetArrayLength()} items",
        JsonValueKind.Object => $"{value.Value.EnumerateObject().Count()} fields",
        _ => "size",
    };

    private static string Truncate(string text) => text.Length <= MaxShownLength ? text : text[..MaxShownLength] + "...";
}
