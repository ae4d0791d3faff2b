using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace AgentOps.Orchestration.Execution;

/// <summary>
/// Fills <c>${steps.&lt;id&gt;.&lt;field&gt;[.&lt;field&gt;…]}</c> from earlier step results and <c>${run.&lt;name&gt;}</c> from run facts,
/// just before a call. A string that is exactly one reference takes the referenced value with its JSON type.
/// A reference to something that does not exist is an error, never an empty string.
/// </summary>
public static partial class ArgumentResolver
{
    public static JsonObject Resolve(JsonObject template, IReadOnlyDictionary<string, JsonNode?> results, IReadOnlyDictionary<string, string> runFacts)
    {
        ArgumentNullException.ThrowIfNull(template);
        return (JsonObject)ResolveNode(template, results, runFacts)!;
    }

    /// <summary>Every reference in the template, without <c>${…}</c>: <c>steps.&lt;id&gt;.&lt;field&gt;…</c> or <c>run.&lt;name&gt;</c>.</summary>
    public static IEnumerable<string> References(JsonNode? template) => template switch
    {
        JsonObject obj => obj.SelectMany(p => References(p.Value)),
        JsonArray array => array.SelectMany(References),
        JsonValue value when value.TryGetValue<string>(out var text) => Reference().Matches(text).Select(m => m.Groups[1].Value),
        _ => [],
    };

    private static JsonNode? ResolveNode(JsonNode? node, IReadOnlyDictionary<string, JsonNode?> results, IReadOnlyDictionary<string, string> runFacts) => node switch
    {
        JsonObject obj => new JsonObject(obj.Select(p => KeyValuePair.Create(p.Key, ResolveNode(p.Value, results, runFacts)))),
        JsonArray array => new JsonArray(array.Select(i => ResolveNode(i, results, runFacts)).ToArray()),
        JsonValue value when value.TryGetValue<string>(out var text) => ResolveString(text, results, runFacts),
        _ => node?.DeepClone(),
    };

    private static JsonNode? ResolveString(string text, IReadOnlyDictionary<string, JsonNode?> results, IReadOnlyDictionary<string, string> runFacts)
    {
        var whole = Reference().Match(text);
        if (whole.Success && whole.Length == text.Length)
        {
            return Lookup(whole.Groups[1].Value, results, runFacts)?.DeepClone();
        }
        return Reference().Replace(text, m => Lookup(m.Groups[1].Value, results, runFacts) switch
        {
            JsonValue v when v.TryGetValue<string>(out var s) => s,
            null => string.Empty,
            var other => other.ToJsonString(),
        });
    }

    private static JsonNode? Lookup(string path, IReadOnlyDictionary<string, JsonNode?> results, IReadOnlyDictionary<string, string> runFacts)
    {
        var parts = path.Split('.');
        if (parts is ["run", var fact])
        {
            return runFacts.TryGetValue(fact, out var value)
                ? JsonValue.Create(value)
                : throw new UnresolvedReferenceException(path, $"run fact '{fact}' is not known");
        }
        if (parts.Length < 3 || parts[0] != "steps")
        {
            throw new UnresolvedReferenceException(path, "expected steps.<id>.<field> or run.<name>");
        }
        if (!results.TryGetValue(parts[1], out var current))
        {
            throw new UnresolvedReferenceException(path, $"step '{parts[1]}' has not run yet");
        }
        foreach (var field in parts.Skip(2))
        {
            current = current is JsonObject obj && obj.TryGetPropertyValue(field, out var next)
                ? next
                : throw new UnresolvedReferenceException(path, $"the result of step '{parts[1]}' has no '{field}'");
        }
        return current;
    }

    [GeneratedRegex(@"\$\{((?:steps|run)\.[A-Za-z0-9_.\-]+)\}")]
    private static partial Regex Reference();
}

public sealed class UnresolvedReferenceException(string reference, string reason)
    : InvalidOperationException($"Cannot resolve '${{{reference}}}': {reason}.")
{
    public string Reference { get; } = reference;
}
