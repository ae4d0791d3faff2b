using System.Text.RegularExpressions;

namespace AgentOps.Planning.Reading;

/// <summary>
/// Reads a text parameter through its cues ("service called X", "for team X"). A value is kept only
/// when it is a whole word, is not a stop word, is not a literal of another parameter (a region id),
/// and matches the parameter's pattern; a near miss becomes a note for the question back.
/// </summary>
internal sealed class CueReader(SkillParameter parameter, IReadOnlyList<Regex> reserved) : IParameterReader
{
    private readonly IReadOnlyList<Regex> _cues = parameter.Cues
        .Select(c => new Regex(c, RegexOptions.CultureInvariant, RequestReader.MatchTimeout))
        .ToList();

    private readonly Regex _pattern = new(parameter.Pattern ?? ".", RegexOptions.CultureInvariant, RequestReader.MatchTimeout);

    private readonly HashSet<string> _stopWords = new(parameter.StopWords, StringComparer.Ordinal);

    public SkillParameter Parameter { get; } = parameter;

    public ParameterReading Read(RequestText text)
    {
        var current = text.Current;
        var values = new List<string>();
        var notes = new List<string>();
        var used = new List<Group>();
        foreach (var cue in _cues)
        {
            foreach (Match match in cue.Matches(current))
            {
                var group = match.Groups["value"];
                if (!group.Success || !RequestText.IsWholeWord(current, group.Index, group.Length) ||
                    _stopWords.Contains(group.Value) || reserved.Any(r => r.IsMatch(group.Value)))
                {
                    continue;
                }
                if (!_pattern.IsMatch(group.Value))
                {
                    notes.Add($"\"{group.Value}\" is not a valid {Parameter.Name} (it must match {Parameter.Pattern}).");
                    continue;
                }
                values.Add(group.Value);
                used.Add(group);
            }
        }
        foreach (var group in used)
        {
            text.SetAside(group.Index, group.Length);
        }
        var distinct = values.Distinct(StringComparer.Ordinal).ToList();
        return new ParameterReading(Parameter.Name, distinct, notes.Distinct(StringComparer.Ordinal).ToList(), distinct);
    }
}
