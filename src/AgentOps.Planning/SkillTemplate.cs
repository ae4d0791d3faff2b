using System.Text.RegularExpressions;

namespace AgentOps.Planning;

/// <summary>
/// Renders skill templates. Only <c>${param.NAME}</c> is replaced; every other <c>${...}</c>
/// (<c>${steps.x.y}</c>, <c>${run.report}</c>, <c>${parameters}</c>) is left as written, because the
/// executor resolves those at run time and the plan digest must cover the template, not the data.
/// </summary>
public static partial class SkillTemplate
{
    public static string Render(string template, IReadOnlyDictionary<string, string> parameters)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(parameters);
        return ParameterReference().Replace(template, match =>
        {
            var name = match.Groups["name"].Value;
            if (!parameters.TryGetValue(name, out var value))
            {
                var known = parameters.Count == 0 ? "none" : string.Join(", ", parameters.Keys.Order(StringComparer.Ordinal));
                throw new ArgumentException(
                    $"The template refers to ${{param.{name}}}, but there is no parameter '{name}'. Known parameters: {known}.",
                    nameof(parameters));
            }
            return value;
        });
    }

    /// <summary>The names of the parameters a template refers to, in order of first use.</summary>
    public static IReadOnlyList<string> ReferencedParameters(string template)
    {
        ArgumentNullException.ThrowIfNull(template);
        return ParameterReference().Matches(template).Select(m => m.Groups["name"].Value).Distinct(StringComparer.Ordinal).ToList();
    }

    [GeneratedRegex(@"\$\{param\.(?<name>[A-Za-z0-9_-]+)\}", RegexOptions.CultureInvariant)]
    private static partial Regex ParameterReference();
}
