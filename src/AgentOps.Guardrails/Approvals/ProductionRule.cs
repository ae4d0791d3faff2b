using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using AgentOps.Core;

namespace AgentOps.Guardrails.Approvals;

/// <summary>
/// What affects production: a step whose arguments name a production namespace (<c>namespace</c>) or environment
/// (<c>environment</c>), whose scope names one (<c>…/namespace/&lt;ns&gt;</c>), or that touches a production path.
/// Such a step always waits for <see cref="RequiredApprovals"/> humans, whatever else the policy allows.
/// </summary>
public sealed class ProductionRule(IReadOnlyList<string> namespaces, IReadOnlyList<string> pathPatterns, int requiredApprovals)
{
    private readonly Regex[] _paths = pathPatterns.Select(Glob).ToArray();

    public static ProductionRule None { get; } = new([], [], 1);

    public IReadOnlyList<string> Namespaces => namespaces;

    public IReadOnlyList<string> PathPatterns => pathPatterns;

    public int RequiredApprovals => requiredApprovals;

    /// <summary>Why <paramref name="step"/> affects production, or null when it does not.</summary>
    public string? Affects(PlanStep step, IReadOnlyCollection<string> touchedPaths)
    {
        ArgumentNullException.ThrowIfNull(step);
        ArgumentNullException.ThrowIfNull(touchedPaths);
        if (namespaces.Count > 0)
        {
            foreach (var (key, value) in Strings(step.Arguments))
            {
                if (key is "namespace" or "environment" or "env" && namespaces.Any(n => string.Equals(n, value, StringComparison.OrdinalIgnoreCase)))
                {
                    return $"{key} '{value}' is production";
                }
            }
            var scopeParts = step.Scope.Split(['/', ':'], StringSplitOptions.RemoveEmptyEntries);
            for (var i = 0; i + 1 < scopeParts.Length; i++)
            {
                if (scopeParts[i] is "namespace" or "ns" && namespaces.Any(n => string.Equals(n, scopeParts[i + 1], StringComparison.OrdinalIgnoreCase)))
                {
                    return $"scope '{step.Scope}' names production namespace '{scopeParts[i + 1]}'";
                }
            }
        }
        return AffectsPaths(touchedPaths);
    }

    /// <summary>Why changing <paramref name="paths"/> affects production, or null when none is a production path.</summary>
    public string? AffectsPaths(IEnumerable<string> paths)
    {
        ArgumentNullException.ThrowIfNull(paths);
        foreach (var path in paths)
        {
            for (var i = 0; i < _paths.Length; i++)
            {
                if (_paths[i].IsMatch(path))
                {
                    return $"path '{path}' matches production path '{pathPatterns[i]}'";
                }
            }
        }
        return null;
    }

    private static IEnumerable<(string Key, string Value)> Strings(JsonNode? node, string key = "")
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (k, v) in obj)
                {
                    foreach (var item in Strings(v, k))
                    {
                        yield return item;
                    }
                }
                break;
            case JsonArray array:
                foreach (var v in array)
                {
                    foreach (var item in Strings(v, key))
                    {
                        yield return item;
                    }
                }
                break;
            case JsonValue value when value.TryGetValue<string>(out var text):
                yield return (key, text);
                break;
        }
    }

    private static Regex Glob(string pattern)
    {
        var escaped = Regex.Escape(pattern.TrimStart('/'))
            .Replace(@"\*\*/", "(?:.*/)?", StringComparison.Ordinal)
            .Replace(@"\*\*", ".*", StringComparison.Ordinal)
            .Replace(@"\*", "[^/]*", StringComparison.Ordinal)
            .Replace(@"\?", "[^/]", StringComparison.Ordinal);
        return new Regex("^" + escaped + "$", RegexOptions.CultureInvariant | RegexOptions.NonBacktracking);
    }
}
