using System.Text.RegularExpressions;

namespace AgentOps.Planning.Reading;

/// <summary>
/// Finds whole-word phrases ("every night", "eu", "us-east") in normalised text and says which key each
/// stands for. Longer phrases are tried first, so "central europe" wins over "europe".
/// </summary>
internal sealed class PhraseMatcher
{
    private readonly Regex? _regex;
    private readonly Dictionary<string, string> _keys = new(StringComparer.Ordinal);

    public PhraseMatcher(IEnumerable<(string Phrase, string Key)> phrases)
    {
        foreach (var (phrase, key) in phrases)
        {
            var normal = RequestText.Normalize(phrase);
            if (normal.Length > 0)
            {
                _keys.TryAdd(normal, key);
            }
        }
        if (_keys.Count == 0)
        {
            return;
        }
        var alternatives = _keys.Keys
            .OrderByDescending(p => p.Length)
            .ThenBy(p => p, StringComparer.Ordinal)
            .Select(p => Regex.Escape(p).Replace(@"\ ", @"\s+", StringComparison.Ordinal));
        _regex = new Regex(
            $"(?<![a-z0-9-])(?:{string.Join('|', alternatives)})(?![a-z0-9-])",
            RegexOptions.CultureInvariant,
            RequestReader.MatchTimeout);
    }

    public IEnumerable<PhraseMatch> Matches(string text)
    {
        if (_regex is null)
        {
            yield break;
        }
        foreach (Match match in _regex.Matches(text))
        {
            var phrase = string.Join(' ', match.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries));
            yield return new PhraseMatch(_keys[phrase], match.Value, match.Index, match.Length);
        }
    }
}
