using System.Text.Json.Nodes;
using AgentOps.Core;

namespace AgentOps.Guardrails.Approvals;

/// <summary>
/// The repository paths a step or plan changes, read from its arguments: every <c>path</c> string, and every string
/// in a <c>paths</c> list, at any depth (so <c>files: [{path: …}]</c> counts). References to earlier results are not
/// paths we can own, so they are left out.
/// </summary>
public static class TouchedPaths
{
    public static IReadOnlyList<string> Of(PlanStep step)
    {
        ArgumentNullException.ThrowIfNull(step);
        var paths = new SortedSet<string>(StringComparer.Ordinal);
        Collect(step.Arguments, key: null, paths);
        return paths.ToArray();
    }

    public static IReadOnlyList<string> Of(Plan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        return plan.Steps.SelectMany(Of).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
    }

    private static void Collect(JsonNode? node, string? key, SortedSet<string> paths)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (k, v) in obj)
                {
                    Collect(v, k, paths);
                }
                break;
            case JsonArray array:
                foreach (var item in array)
                {
                    Collect(item, key, paths);
                }
                break;
            case JsonValue value when key is "path" or "paths" && value.TryGetValue<string>(out var text)
                && text.Length > 0 && !text.Contains("${", StringComparison.Ordinal):
                paths.Add(text.Replace('\\', '/').TrimStart('/'));
                break;
        }
    }
}
