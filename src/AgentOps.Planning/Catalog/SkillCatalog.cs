using AgentOps.Planning.Yaml;

namespace AgentOps.Planning;

/// <summary>
/// The skills the planners know, read from a folder of YAML files (<c>prompts/skills/*.yaml</c>).
/// Each file holds one skill and is named after it.
/// </summary>
public sealed class SkillCatalog
{
    public SkillCatalog(IEnumerable<Skill> skills)
    {
        ArgumentNullException.ThrowIfNull(skills);
        Skills = skills.ToList();
        var duplicate = Skills.GroupBy(s => s.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new ArgumentException($"Skill '{duplicate.Key}' is defined more than once.", nameof(skills));
        }
    }

    public IReadOnlyList<Skill> Skills { get; }

    public Skill? Find(string name) => Skills.FirstOrDefault(s => string.Equals(s.Name, name, StringComparison.Ordinal));

    /// <summary>Reads every <c>*.yaml</c> and <c>*.yml</c> file in <paramref name="directory"/>, in name order.</summary>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="InvalidDataException">A file is malformed, has an unknown key, or is inconsistent; the message names it.</exception>
    public static SkillCatalog Load(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        if (!Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"Skill catalogue folder '{directory}' does not exist.");
        }
        var files = Directory.EnumerateFiles(directory)
            .Where(f => f.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".yml", StringComparison.OrdinalIgnoreCase))
            .Order(StringComparer.Ordinal)
            .ToList();
        if (files.Count == 0)
        {
            throw new InvalidDataException($"Skill catalogue folder '{directory}' holds no *.yaml files.");
        }
        return new SkillCatalog(files.Select(LoadSkill));
    }

    private static Skill LoadSkill(string path)
    {
        var skill = new SkillMapper(path).Map(StrictYaml.Load<SkillDocument>(path));
        // The file name is how people find a skill; a mismatch would make them edit the wrong one.
        if (!string.Equals(Path.GetFileNameWithoutExtension(path), skill.Name, StringComparison.Ordinal))
        {
            throw new InvalidDataException($"{path}: the file defines skill '{skill.Name}'; name the file {skill.Name}.yaml.");
        }
        new SkillValidator(path).Validate(skill);
        return skill;
    }
}
