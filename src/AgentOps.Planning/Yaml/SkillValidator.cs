using System.Text.Json.Nodes;

namespace AgentOps.Planning.Yaml;

/// <summary>
/// Checks that the parts of a skill agree with each other: the size table matches the size
/// parameter, and every <c>${param.*}</c> in a template names a parameter the planner will produce.
/// A typo in a placeholder is caught when the catalogue loads, not when a plan is rendered.
/// </summary>
internal sealed class SkillValidator(string path)
{
    public void Validate(Skill skill)
    {
        var known = new List<string>(skill.Parameters.Select(p => p.Name));
        known.AddRange(skill.Parameters.Where(p => p.Default != ParameterDefault.None).Select(p => p.SourceName));
        if (skill.Storage is { } storage)
        {
            ValidateStorage(skill, storage);
            known.Add(storage.Parameter);
        }
        foreach (var derived in skill.Derived)
        {
            CheckTemplate(derived.Template, known, $"derived '{derived.Name}'");
            known.Add(derived.Name);
        }
        var duplicate = known.GroupBy(n => n, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw Error($"parameter name '{duplicate.Key}' is defined more than once (parameters, storage and derived share one namespace).");
        }
        CheckTemplate(skill.Summary, known, "summary");
        if (skill.ClaimTemplate is not null)
        {
            CheckTemplate(skill.ClaimTemplate, known, "claimTemplate");
        }
        foreach (var step in skill.Steps)
        {
            var at = $"step '{step.Id}'";
            CheckTemplate(step.Description, known, at);
            CheckTemplate(step.Scope, known, at);
            CheckNode(step.Arguments, known, at);
            if (step.Compensation is { } undo)
            {
                CheckTemplate(undo.Scope, known, at + " compensation");
                CheckNode(undo.Arguments, known, at + " compensation");
            }
        }
    }

    private void ValidateStorage(Skill skill, SkillStorage storage)
    {
        var sizeParameter = skill.FindParameter(storage.SizeParameter);
        if (sizeParameter is not { Kind: SkillParameterKind.Choice })
        {
            throw Error($"storage.sizeParameter '{storage.SizeParameter}' must name a choice parameter.");
        }
        var values = sizeParameter.Values.Select(v => v.Value).Order(StringComparer.Ordinal);
        var sizes = storage.Sizes.Select(s => s.Name).Order(StringComparer.Ordinal);
        if (!values.SequenceEqual(sizes, StringComparer.Ordinal))
        {
            throw Error($"storage.sizes ({string.Join(", ", sizes)}) must list exactly the values of parameter '{sizeParameter.Name}' ({string.Join(", ", values)}).");
        }
    }

    private void CheckNode(JsonNode? node, IReadOnlyList<string> known, string at)
    {
        switch (node)
        {
            case JsonObject map:
                foreach (var (_, value) in map)
                {
                    CheckNode(value, known, at);
                }
                break;
            case JsonArray items:
                foreach (var item in items)
                {
                    CheckNode(item, known, at);
                }
                break;
            case JsonValue value when value.TryGetValue<string>(out var text):
                CheckTemplate(text, known, at);
                break;
        }
    }

    private void CheckTemplate(string template, IReadOnlyList<string> known, string at)
    {
        var unknown = SkillTemplate.ReferencedParameters(template).Where(name => !known.Contains(name, StringComparer.Ordinal)).ToList();
        if (unknown.Count > 0)
        {
            throw Error($"{at} refers to unknown parameter(s) {string.Join(", ", unknown.Select(n => $"${{param.{n}}}"))}; known: {string.Join(", ", known)}.");
        }
    }

    private InvalidDataException Error(string message) => new($"{path}: {message}");
}
