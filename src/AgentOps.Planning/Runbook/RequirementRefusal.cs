using AgentOps.Core;
using AgentOps.Planning.Reading;

namespace AgentOps.Planning.Runbook;

/// <summary>
/// Refuses a request that states what the skill cannot honour, quoting the words found and saying what
/// to do instead. A different action (deleting a database) outranks a missing feature, because the
/// request is then not this skill's intent at all.
/// </summary>
internal static class RequirementRefusal
{
    public static PlanningOutcome.Refused Write(Skill skill, IReadOnlyList<RequirementMatch> matches)
    {
        var groups = matches
            .GroupBy(m => m.Requirement)
            .OrderBy(g => g.Key.Kind == UnsupportedRequirementKind.Action ? 0 : 1)
            .ToList();
        var rule = groups[0].Key.Kind == UnsupportedRequirementKind.Action
            ? PlanningRules.IntentUnsupportedAction
            : PlanningRules.RequirementsUnsupported;
        var reason = string.Join(' ', groups.Select(g =>
        {
            var quoted = string.Join(" and ", g.Select(m => $"'{m.Found}'"));
            return g.Key.Kind == UnsupportedRequirementKind.Action
                ? $"The request asks to {quoted}, which is not something {skill.Name} does. {g.Key.Message}"
                : $"The request asks for {quoted}, which {skill.Name} cannot honour. {g.Key.Message}";
        }));
        return new PlanningOutcome.Refused(rule, reason);
    }
}
