using AgentOps.Planning.Reading;

namespace AgentOps.Planning.Yaml;

internal sealed partial class SkillMapper
{
    /// <summary>
    /// Maps a choice parameter's <c>areas</c>. An area word must not also be a synonym (it would mean two things),
    /// and an area's default must be one of the parameter's values and lie inside the area.
    /// </summary>
    private List<ChoiceArea> MapAreas(Dictionary<string, AreaDocument?>? documents, SkillParameterKind kind, IReadOnlyList<ChoiceValue> values, string at)
    {
        if (documents is null || documents.Count == 0)
        {
            return [];
        }
        if (kind != SkillParameterKind.Choice)
        {
            throw Error($"{at}: areas are only for choice parameters.");
        }
        var taken = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var value in values)
        {
            foreach (var word in value.Synonyms.Append(value.Value))
            {
                taken.TryAdd(RequestText.Normalize(word), $"a synonym of '{value.Value}'");
            }
        }
        var areas = new List<ChoiceArea>();
        foreach (var (name, document) in documents)
        {
            var where = $"{at}: area '{name}'";
            var prefix = Require(document?.Prefix, $"{where}: prefix");
            var fallback = Require(document?.Default, $"{where}: default");
            if (!values.Any(v => string.Equals(v.Value, fallback, StringComparison.Ordinal)))
            {
                throw Error($"{where}: default '{fallback}' is not one of the values ({string.Join(", ", values.Select(v => v.Value))}).");
            }
            var area = new ChoiceArea(name, prefix, fallback, document?.Words ?? []);
            if (!area.Covers(fallback))
            {
                throw Error($"{where}: default '{fallback}' does not start with the prefix '{prefix}'.");
            }
            if (area.Words.Count == 0)
            {
                throw Error($"{where}: list at least one word.");
            }
            foreach (var word in area.Words)
            {
                var normal = RequestText.Normalize(word);
                if (normal.Length == 0 || !taken.TryAdd(normal, $"a word of area '{name}'"))
                {
                    throw Error($"{where}: word '{word}' is {(normal.Length == 0 ? "empty" : "already " + taken[normal])}.");
                }
            }
            areas.Add(area);
        }
        return areas;
    }
}
