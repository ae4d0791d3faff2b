using System.Text.RegularExpressions;

namespace AgentOps.Planning.Reading;

/// <summary>Reads a choice parameter: literal ids first (e.g. "eu-west-1"), then synonyms, then unsupported words.</summary>
internal sealed class ChoiceReader : IParameterReader
{
    private readonly PhraseMatcher _values;
    private readonly PhraseMatcher _unsupported;

    public ChoiceReader(SkillParameter parameter)
    {
        Parameter = parameter;
        _values = new PhraseMatcher(parameter.Values.SelectMany(v => v.Synonyms.Append(v.Value).Select(s => (s, v.Value))));
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
        var literals = new List<string>();
        if (Literal is not null)
        {
            var current = text.Current;
            foreach (Match match in Literal.Matches(current))
            {
                Take(text, current, new PhraseMatch(match.Value, match.Value, match.Index, match.Length), literals, notes);
            }
        }
        var synonyms = new List<string>();
        var remaining = text.Current;
        foreach (var match in _values.Matches(remaining))
        {
            Take(text, remaining, match, synonyms, notes);
        }
        foreach (var match in _unsupported.Matches(text.Current))
        {
            notes.Add($"\"{match.Text}\": {Parameter.Unsupported[match.Key]}");
            text.SetAside(match.Index, match.Length);
        }
        // An id is the most precise thing a requester can write: "EU, eu-central-1" means eu-central-1.
        var values = literals.Count > 0 ? literals : synonyms;
        return new ParameterReading(Parameter.Name, values.Distinct(StringComparer.Ordinal).ToList(), notes.Distinct(StringComparer.Ordinal).ToList());
    }

    private static void Take(RequestText text, string current, PhraseMatch match, List<string> values, List<string> notes)
    {
        if (RequestText.IsNegated(current, match.Index))
        {
            notes.Add($"The request rules out {match.Key}.");
        }
        else
        {
            values.Add(match.Key);
        }
        text.SetAside(match.Index, match.Length);
    }
}
