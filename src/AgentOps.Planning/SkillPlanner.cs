using System.Text.RegularExpressions;
using AgentOps.Core;
using AgentOps.Planning.Reading;
using AgentOps.Planning.Runbook;

namespace AgentOps.Planning;

/// <summary>
/// Plans a named skill from parameter values someone else read from the request (the LLM planner), through exactly
/// the path the runbook planner takes after reading: the skill's unsupported-requirement screen, policy (regions,
/// teams, limits), defaults, derived values and step template. A model can therefore choose a skill and fill its
/// parameters, but never write a step, a scope or a path: the plan, its digest and its pull request are the ones the
/// runbook planner would make from the same values.
/// </summary>
public sealed class SkillPlanner(SkillCatalog catalog, PlanningPolicy policy)
{
    public PlanningOutcome Plan(Goal goal, string skillName, IReadOnlyDictionary<string, string?> values)
    {
        ArgumentNullException.ThrowIfNull(goal);
        ArgumentNullException.ThrowIfNull(values);
        var skill = catalog.Find(skillName);
        if (skill is null)
        {
            return new PlanningOutcome.Refused(PlanningRules.IntentUnknown,
                $"There is no skill '{skillName}'. Known skills: {string.Join(", ", catalog.Skills.Select(s => s.Name))}.");
        }
        var text = new RequestText(goal.Text ?? string.Empty);
        // The request's own words are screened as for the runbook planner: a model that leaves out "read replicas"
        // or "delete" must not turn a request the skill cannot honour into one it silently half-honours.
        var unsupported = new RequestReader(skill).FindUnsupported(text);
        if (unsupported.Count > 0)
        {
            return RequirementRefusal.Write(skill, unsupported);
        }
        var readings = new Dictionary<string, ParameterReading>(StringComparer.Ordinal);
        foreach (var parameter in skill.Parameters)
        {
            var given = values.TryGetValue(parameter.Name, out var raw) && !string.IsNullOrWhiteSpace(raw) ? raw.Trim() : null;
            if (given is null)
            {
                readings[parameter.Name] = new ParameterReading(parameter.Name, [], [], []);
                continue;
            }
            if (parameter.Kind == SkillParameterKind.Choice && parameter.Unsupported.FirstOrDefault(u => string.Equals(u.Key, given, StringComparison.OrdinalIgnoreCase)) is { Key: not null } refused)
            {
                return new PlanningOutcome.Refused(PlanningRules.RequirementsUnsupported, $"{parameter.Name} '{given}' is not offered: {refused.Value}");
            }
            var value = parameter.Kind == SkillParameterKind.Choice ? Canonical(parameter, given) : Text(parameter, given);
            readings[parameter.Name] = value is null
                ? new ParameterReading(parameter.Name, [], [$"'{given}' is not a valid {parameter.Name}."], [])
                : new ParameterReading(parameter.Name, [value], [], [value]);
        }
        return new PlanResolution(skill, policy, goal, text, readings).Resolve();
    }

    private static string? Canonical(SkillParameter parameter, string given)
    {
        foreach (var choice in parameter.Values)
        {
            if (string.Equals(choice.Value, given, StringComparison.OrdinalIgnoreCase)
                || choice.Synonyms.Any(s => string.Equals(s, given, StringComparison.OrdinalIgnoreCase)))
            {
                return choice.Value;
            }
        }
        // An area word on its own ("EU") means the area's default, as it does in a request.
        if (parameter.Areas.FirstOrDefault(a => a.Words.Any(w => string.Equals(w, given, StringComparison.OrdinalIgnoreCase))) is { } area)
        {
            return area.Default;
        }
        return parameter.LiteralPattern is { } literal
            && Regex.IsMatch(given, $"^(?:{literal})$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, RequestReader.MatchTimeout)
            ? given.ToLowerInvariant()
            : null;
    }

    private static string? Text(SkillParameter parameter, string given) =>
        parameter.Pattern is null || Regex.IsMatch(given, parameter.Pattern, RegexOptions.CultureInvariant, RequestReader.MatchTimeout) ? given : null;
}
