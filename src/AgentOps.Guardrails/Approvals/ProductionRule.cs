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
            var named = new NamedNamespace(namespaces);
            JsonStrings.Walk(step.Arguments, ref named, static (ref NamedNamespace found, string? key, string text, bool isPropertyName) =>
                !isPropertyName && key is "namespace" or "environment" or "env" && found.Check(key, text));
            if (named.Key is { } key)
            {
                return $"{key} '{named.Value}' is production";
            }
            // Scope segments are compared in place: this runs on every tool call, and most scopes name no namespace.
            var scope = step.Scope.AsSpan();
            var previous = default(Range);
            var first = true;
            foreach (var segment in scope.SplitAny("/:"))
            {
                if (scope[segment].IsEmpty)
                {
                    continue;
                }
                if (!first && scope[previous] is "namespace" or "ns" && IsProduction(namespaces, scope[segment]))
                {
                    return $"scope '{step.Scope}' names production namespace '{scope[segment]}'";
                }
                previous = segment;
                first = false;
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

    private static bool IsProduction(IReadOnlyList<string> namespaces, ReadOnlySpan<char> name)
    {
        for (var i = 0; i < namespaces.Count; i++)
        {
            if (name.Equals(namespaces[i], StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>The first namespace or environment argument that names a production namespace.</summary>
    private struct NamedNamespace(IReadOnlyList<string> namespaces)
    {
        public string? Key;
        public string? Value;

        public bool Check(string key, string value)
        {
            if (!IsProduction(namespaces, value))
            {
                return false;
            }
            (Key, Value) = (key, value);
            return true;
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
