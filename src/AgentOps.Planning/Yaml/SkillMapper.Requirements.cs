namespace AgentOps.Planning.Yaml;

internal sealed partial class SkillMapper
{
    private List<UnsupportedRequirement> MapRequirements(List<UnsupportedRequirementDocument?>? documents)
    {
        var requirements = (documents ?? []).Select(MapRequirement).ToList();
        RequireUnique(requirements.Select(r => r.Id), "unsupportedRequirements");
        return requirements;
    }

    private UnsupportedRequirement MapRequirement(UnsupportedRequirementDocument? document, int index)
    {
        var id = Require(document?.Id, $"unsupportedRequirements[{index}].id");
        var at = $"unsupportedRequirements '{id}'";
        if (!NamePattern().IsMatch(id))
        {
            throw Error($"{at}: id must be lower-case words joined by '-'.");
        }
        var kind = document!.Kind switch
        {
            null or "requirement" => UnsupportedRequirementKind.Requirement,
            "action" => UnsupportedRequirementKind.Action,
            _ => throw Error($"{at}: kind must be 'requirement' or 'action', not '{document.Kind}'."),
        };
        var pattern = Require(document.Pattern, $"{at}: pattern");
        // A pattern that matches nothing at all would refuse every request of the skill.
        if (CheckRegex(pattern, $"{at}: pattern").IsMatch(""))
        {
            throw Error($"{at}: pattern '{pattern}' matches an empty request; it must require some words.");
        }
        return new UnsupportedRequirement(id, kind, pattern, Require(document.Message, $"{at}: message").Trim());
    }
}
