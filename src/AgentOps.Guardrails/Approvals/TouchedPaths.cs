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
        // Most tool calls touch no path: the set is made only for the first one found.
        SortedSet<string>? paths = null;
        JsonStrings.Walk(step.Arguments, ref paths, static (ref SortedSet<string>? found, string? key, string text, bool isPropertyName) =>
        {
            if (!isPropertyName && key is "path" or "paths" && text.Length > 0 && !text.Contains("${", StringComparison.Ordinal))
            {
                (found ??= new SortedSet<string>(StringComparer.Ordinal)).Add(text.Replace('\\', '/').TrimStart('/'));
            }
            return false;
        });
        return paths is null ? [] : paths.ToArray();
    }

    public static IReadOnlyList<string> Of(Plan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        return plan.Steps.SelectMany(Of).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
    }
}
