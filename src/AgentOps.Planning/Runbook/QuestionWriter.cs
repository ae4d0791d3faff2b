using System.Text;

namespace AgentOps.Planning.Runbook;

/// <summary>
/// Writes the question a planner asks instead of guessing: what is missing, what each item means,
/// what the requester said that could not be used, and which values would do.
/// </summary>
internal static class QuestionWriter
{
    public static string Write(Skill skill, PlanningPolicy policy, IReadOnlyList<string> missing, IReadOnlyDictionary<string, List<string>> notes)
    {
        var question = new StringBuilder()
            .Append("To plan ").Append(skill.Name).Append(" without guessing, I still need: ")
            .Append(string.Join(", ", missing)).Append('.');
        foreach (var name in missing)
        {
            question.Append('\n').Append("- ").Append(name).Append(": ").Append(Describe(skill, policy, name));
            if (notes.TryGetValue(name, out var said) && said.Count > 0)
            {
                question.Append(' ').Append(string.Join(' ', said));
            }
        }
        return question.ToString();
    }

    private static string Describe(Skill skill, PlanningPolicy policy, string name)
    {
        if (skill.FindParameter(name) is not { } parameter)
        {
            return skill.Storage is { } storage && storage.Parameter == name
                ? $"{storage.Description} Sizes allow: {string.Join(", ", storage.Sizes.Select(s => $"{s.Name} up to {s.MaxStorageGb} GB"))}."
                : "";
        }
        var valid = parameter switch
        {
            { Policy: ParameterPolicy.Regions } => $" Allowed regions: {string.Join(", ", policy.AllowedRegions)}.",
            { Policy: ParameterPolicy.Teams } => $" Known teams: {string.Join(", ", policy.Teams.Select(t => t.Namespace))}.",
            { Kind: SkillParameterKind.Choice } => $" One of: {string.Join(", ", parameter.Values.Select(v => v.Value))}.",
            _ => "",
        };
        var examples = parameter.Examples.Count > 0 ? $" For example: {string.Join(", ", parameter.Examples.Select(e => $"\"{e}\""))}." : "";
        return parameter.Description.Trim() + valid + examples;
    }
}
