using System.Text.RegularExpressions;

namespace AgentOps.Planning.Reading;

/// <summary>
/// Reads a choice parameter from literal ids ("eu-west-1"), synonyms ("frankfurt") and area words ("EU").
/// Nothing the request names is dropped: an area word that qualifies a value inside its area adds nothing,
/// and every other value is kept, so "eu and us-east-1" reads as two values and the planner asks which one.
/// A value the request rules out ("any engine except redis", "not in eu-west-1", "daily backups are not needed")
/// is never chosen, not even as an area's default: when nothing else is left, the planner asks and says why.
/// </summary>
internal sealed class ChoiceReader : IParameterReader
{
    private readonly PhraseMatcher _values;
    private readonly PhraseMatcher _unsupported;
    private readonly Dictionary<string, ChoiceArea> _areaWords;

    public ChoiceReader(SkillParameter parameter)
    {
        Parameter = parameter;
        // An area word is read as its area's default first; Read then decides whether it only qualifies another value.
        _values = new PhraseMatcher(parameter.Values
            .SelectMany(v => v.Synonyms.Append(v.Value).Select(s => (s, v.Value)))
            .Concat(parameter.Areas.SelectMany(a => a.Words.Select(w => (w, a.Default)))));
        _areaWords = parameter.Areas
            .SelectMany(a => a.Words.Select(w => (Word: RequestText.Normalize(w), Area: a)))
            .ToDictionary(x => x.Word, x => x.Area, StringComparer.Ordinal);
        _unsupported = new PhraseMatcher(parameter.Unsupported.Keys.Select(k => (k, k)));
        Literal = parameter.LiteralPattern is null
            ? null
            : new Regex($"(?<![a-z0-9-])(?:{parameter.LiteralPattern})(?![a-z0-9-])", RegexOptions.CultureInvariant, RequestReader.MatchTimeout);
    }

    public SkillParameter Parameter { get; }

    /// <summary>Values taken as written; text readers must not claim them as names.</summary>
    public Regex? Literal { get; }

    public ParameterReading Read(RequestText text)
    {
        var notes = new List<string>();
        var named = new List<ChoiceMention>();
        var ruledOut = new List<ChoiceMention>();
        if (Literal is not null)
        {
            var current = text.Current;
            foreach (Match match in Literal.Matches(current))
            {
                Take(text, new PhraseMatch(match.Value, match.Value, match.Index, match.Length), named, ruledOut, notes);
            }
        }
        var remaining = text.Current;
        foreach (var match in _values.Matches(remaining))
        {
            Take(text, match, named, ruledOut, notes);
        }
        foreach (var match in _unsupported.Matches(text.Current))
        {
            notes.Add($"\"{match.Text}\": {Parameter.Unsupported[match.Key]}");
            text.SetAside(match.Index, match.Length);
        }
        // "EU region eu-central-1" names one region; "eu and us-east-1" names two, and neither may be dropped silently.
        var kept = named
            .Where(m => m.Area is not { } area || !named.Any(o => o.Area is null && area.Covers(o.Value)))
            .Where(m => !IsRuledOut(m, ruledOut, notes))
            .OrderBy(m => m.Index)
            .ToList();
        var values = kept.Select(m => m.Value).Distinct(StringComparer.Ordinal).ToList();
        return new ParameterReading(Parameter.Name, values, notes.Distinct(StringComparer.Ordinal).ToList(), values.Select(v => Describe(v, kept)).ToList());
    }

    private void Take(RequestText text, PhraseMatch match, List<ChoiceMention> named, List<ChoiceMention> ruledOut, List<string> notes)
    {
        var word = string.Join(' ', match.Text.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        var area = _areaWords.GetValueOrDefault(word);
        var mention = new ChoiceMention(match.Key, word, match.Index, area);
        if (RequestText.IsRuledOut(text.Original, match.Index, match.Length))
        {
            notes.Add($"The request rules out {area?.Name ?? match.Key}.");
            ruledOut.Add(mention);
        }
        else
        {
            named.Add(mention);
        }
        text.SetAside(match.Index, match.Length);
    }

    /// <summary>
    /// True when a named value is also ruled out: by name ("small ... anything but small"), as the default of an
    /// area word ("in europe, but not in eu-west-1"), or by an area ("anywhere except the EU ... frankfurt").
    /// Such a value is dropped with a note rather than chosen, so the planner asks instead of guessing.
    /// </summary>
    private static bool IsRuledOut(ChoiceMention mention, List<ChoiceMention> ruledOut, List<string> notes)
    {
        if (ruledOut.FirstOrDefault(r => r.Area is { } area ? area.Covers(mention.Value) : string.Equals(r.Value, mention.Value, StringComparison.Ordinal)) is not { } by)
        {
            return false;
        }
        notes.Add(by.Area is { } ruledArea
            ? $"{mention.Value} (from '{mention.Word}') is in {ruledArea.Name}, which the request rules out."
            : mention.Area is not null
                ? $"'{mention.Word}' would mean {mention.Value} by default, but the request rules out {mention.Value}."
                : $"The request both names and rules out {mention.Value}.");
        return true;
    }

    /// <summary>
    /// A value with the words that named it, when the mapping is not obvious: always for area words ("eu" means
    /// eu-west-1 only by default) and for ids named by a synonym ("frankfurt"). Engines and sizes stay bare.
    /// </summary>
    private string Describe(string value, IEnumerable<ChoiceMention> mentions)
    {
        var words = mentions
            .Where(m => string.Equals(m.Value, value, StringComparison.Ordinal) && !string.Equals(m.Word, value, StringComparison.Ordinal) && (m.Area is not null || Literal is not null))
            .Select(m => $"'{m.Word}'")
            .Distinct(StringComparer.Ordinal)
            .ToList();
        return words.Count == 0 ? value : $"{value} (from {string.Join(", ", words)})";
    }
}
