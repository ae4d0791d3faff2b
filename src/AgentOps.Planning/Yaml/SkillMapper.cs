using System.Text.RegularExpressions;

namespace AgentOps.Planning.Yaml;

/// <summary>
/// Turns a skill file into a <see cref="Skill"/>, checking each part on the way. Every error names
/// the file and the offending key, so a broken catalogue fails at start-up rather than mid-plan.
/// </summary>
internal sealed partial class SkillMapper(string path)
{
    public Skill Map(SkillDocument document)
    {
        var name = Require(document.Name, "name");
        if (!NamePattern().IsMatch(name))
        {
            throw Error($"name '{name}' must be lower-case words joined by '-'.");
        }
        var triggers = document.Triggers ?? [];
        if (triggers.Count == 0)
        {
            throw Error("triggers: list at least one word that selects this skill.");
        }
        var parameters = (document.Parameters ?? []).Select(MapParameter).ToList();
        RequireUnique(parameters.Select(p => p.Name), "parameters");
        var steps = (document.Steps ?? []).Select(MapStep).ToList();
        if (steps.Count == 0)
        {
            throw Error("steps: a skill needs at least one step.");
        }
        RequireUnique(steps.Select(s => s.Id), "steps");
        return new Skill(
            name,
            Require(document.Description, "description"),
            triggers,
            document.Examples ?? [],
            parameters,
            document.Storage is null ? null : MapStorage(document.Storage),
            (document.Derived ?? []).Select(MapDerived).ToList(),
            Require(document.Summary, "summary").Trim(),
            document.ClaimTemplate,
            steps,
            MapRequirements(document.UnsupportedRequirements));
    }

    private SkillParameter MapParameter(ParameterDocument document, int index)
    {
        var name = Require(document.Name, $"parameters[{index}].name");
        var at = $"parameter '{name}'";
        var kind = document.Kind switch
        {
            "choice" => SkillParameterKind.Choice,
            "text" => SkillParameterKind.Text,
            _ => throw Error($"{at}: kind must be 'choice' or 'text', not '{document.Kind}'."),
        };
        var policy = document.Policy switch
        {
            null => ParameterPolicy.None,
            "regions" => ParameterPolicy.Regions,
            "teams" => ParameterPolicy.Teams,
            _ => throw Error($"{at}: policy must be 'regions' or 'teams', not '{document.Policy}'."),
        };
        var fallback = document.Default switch
        {
            null => ParameterDefault.None,
            "requester-team" when policy == ParameterPolicy.Teams => ParameterDefault.RequesterTeam,
            _ => throw Error($"{at}: default '{document.Default}' is not supported; only 'requester-team', with policy 'teams'."),
        };
        var values = (document.Values ?? []).Select(v => new ChoiceValue(v.Key, v.Value ?? [])).ToList();
        var cues = document.Cues ?? [];
        if (kind == SkillParameterKind.Choice && values.Count == 0)
        {
            throw Error($"{at}: a choice parameter needs values.");
        }
        if (kind == SkillParameterKind.Text && (cues.Count == 0 || document.Pattern is null))
        {
            throw Error($"{at}: a text parameter needs cues and a pattern.");
        }
        CheckRegex(document.LiteralPattern, $"{at}: literalPattern");
        CheckRegex(document.Pattern, $"{at}: pattern");
        foreach (var cue in cues)
        {
            if (!CheckRegex(cue, $"{at}: cue").GetGroupNames().Contains("value", StringComparer.Ordinal))
            {
                throw Error($"{at}: cue '{cue}' has no (?<value>...) group.");
            }
        }
        return new SkillParameter(
            name,
            kind,
            document.Required,
            Require(document.Description, $"{at}: description"),
            document.Examples ?? [],
            values,
            document.Unsupported ?? [],
            document.LiteralPattern,
            document.Pattern,
            cues,
            document.StopWords ?? [],
            policy,
            fallback,
            MapAreas(document.Areas, kind, values, at));
    }

    private SkillStorage MapStorage(StorageDocument document)
    {
        var sizes = (document.Sizes ?? []).Select((s, i) => new SkillSize(Require(s.Name, $"storage.sizes[{i}].name"), s.StorageGb, s.MaxStorageGb)).ToList();
        if (sizes.Count == 0)
        {
            throw Error("storage.sizes: list at least one size.");
        }
        if (sizes.FirstOrDefault(s => s.StorageGb <= 0 || s.MaxStorageGb < s.StorageGb) is { } wrong)
        {
            throw Error($"storage.sizes '{wrong.Name}': storageGb must be positive and at most maxStorageGb.");
        }
        RequireUnique(sizes.Select(s => s.Name), "storage.sizes");
        return new SkillStorage(
            Require(document.Parameter, "storage.parameter"),
            Require(document.SizeParameter, "storage.sizeParameter"),
            Require(document.Description, "storage.description"),
            sizes);
    }

    private DerivedParameter MapDerived(DerivedDocument document, int index)
    {
        var name = Require(document.Name, $"derived[{index}].name");
        return new DerivedParameter(name, Require(document.Description, $"derived '{name}': description"), Require(document.Template, $"derived '{name}': template"));
    }

    private StepTemplate MapStep(StepDocument document, int index)
    {
        var id = Require(document.Id, $"steps[{index}].id");
        var at = $"step '{id}'";
        var compensation = document.Compensation is { } undo
            ? new CompensationTemplate(
                Require(undo.Tool, $"{at}: compensation.tool"),
                Require(undo.Scope, $"{at}: compensation.scope"),
                YamlJson.ToObject(undo.Arguments))
            : null;
        return new StepTemplate(
            id,
            Require(document.Description, $"{at}: description"),
            Require(document.Server, $"{at}: server"),
            Require(document.Tool, $"{at}: tool"),
            Require(document.Scope, $"{at}: scope"),
            YamlJson.ToObject(document.Arguments),
            document.Critical,
            compensation);
    }

    private Regex CheckRegex(string? pattern, string what)
    {
        try
        {
            return new Regex(pattern ?? "", RegexOptions.CultureInvariant);
        }
        catch (ArgumentException ex)
        {
            throw Error($"{what} '{pattern}' is not a valid regular expression: {ex.Message}");
        }
    }

    private string Require(string? value, string what) =>
        string.IsNullOrWhiteSpace(value) ? throw Error($"{what} is required.") : value;

    private void RequireUnique(IEnumerable<string> names, string what)
    {
        var duplicate = names.GroupBy(n => n, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw Error($"{what}: '{duplicate.Key}' appears more than once.");
        }
    }

    private InvalidDataException Error(string message) => new($"{path}: {message}");

    [GeneratedRegex("^[a-z][a-z0-9]*(-[a-z0-9]+)*$", RegexOptions.CultureInvariant)]
    private static partial Regex NamePattern();
}
