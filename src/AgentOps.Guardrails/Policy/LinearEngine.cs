using System.Text.RegularExpressions;

namespace AgentOps.Guardrails.Policy;

/// <summary>
/// Puts a regex that runs on every screened text on .NET's non-backtracking engine, whose time is linear in the text.
/// That engine refuses a lookaround and an automaton over its size limit; this class works around both without
/// changing what matches: a long alternation is split into parts the engine takes, and a pattern with lookarounds gets
/// a prefilter (the pattern without them) that proves most text clean before the interpreter runs.
/// </summary>
internal static class LinearEngine
{
    private const RegexOptions Carried = RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Multiline | RegexOptions.Singleline;

    /// <summary>The pattern on the linear engine with the options and timeout of <paramref name="like"/>; null when the engine refuses it.</summary>
    public static Regex? TryBuild(string pattern, Regex like)
    {
        try
        {
            return new Regex(pattern, (like.Options & Carried) | RegexOptions.NonBacktracking, like.MatchTimeout);
        }
        catch (NotSupportedException)
        {
            // A lookaround, a backreference, an atomic group, or an automaton over the engine's size limit.
            return null;
        }
    }

    /// <summary>
    /// <paramref name="regex"/> as one or more regexes on the linear engine whose matches together are its matches: the
    /// regex itself when it already runs there, else its top-level alternatives in order, halved until every part fits
    /// the engine's size limit. Null when some alternative cannot run there at all (a lookaround): use the regex as it is.
    /// </summary>
    public static IReadOnlyList<Regex>? Split(Regex regex)
    {
        if ((regex.Options & RegexOptions.NonBacktracking) != 0)
        {
            return [regex];
        }
        var alternatives = RegexLookarounds.Alternatives(regex.ToString());
        if (alternatives is null)
        {
            return null;
        }
        var parts = new List<Regex>();
        return TrySplit(alternatives, regex, parts) ? parts : null;
    }

    /// <summary>
    /// The matches of <paramref name="parts"/> (from <see cref="Split"/>) in <paramref name="text"/> as the one regex
    /// would find them: leftmost first, and where parts overlap, the earlier part wins, as an earlier alternative does
    /// within one regex. The parts' match streams are merged as they are read, so a screen collects no list of them.
    /// </summary>
    public static IEnumerable<Match> Matches(IReadOnlyList<Regex> parts, string text)
    {
        if (parts.Count == 1)
        {
            for (var match = parts[0].Match(text); match.Success; match = match.NextMatch())
            {
                yield return match;
            }
            yield break;
        }
        var next = new Match[parts.Count];
        for (var part = 0; part < next.Length; part++)
        {
            next[part] = parts[part].Match(text);
        }
        var end = 0;
        while (true)
        {
            var earliest = -1;
            for (var part = 0; part < next.Length; part++)
            {
                // Strictly earlier only: on the same index the lower part, read first, keeps it.
                if (next[part].Success && (earliest < 0 || next[part].Index < next[earliest].Index))
                {
                    earliest = part;
                }
            }
            if (earliest < 0)
            {
                yield break;
            }
            var match = next[earliest];
            next[earliest] = match.NextMatch();
            if (match.Index >= end)
            {
                end = match.Index + Math.Max(match.Length, 1);
                yield return match;
            }
        }
    }

    /// <summary>The pattern without its lookarounds on the linear engine, for a regex that cannot run there itself; null otherwise.</summary>
    public static Regex? Prefilter(Regex regex) =>
        (regex.Options & RegexOptions.NonBacktracking) == 0 && RegexLookarounds.Remove(regex.ToString()) is { } stripped
            ? TryBuild(stripped, regex)
            : null;

    private static bool TrySplit(IReadOnlyList<string> alternatives, Regex like, List<Regex> parts)
    {
        if (TryBuild(string.Join('|', alternatives), like) is { } whole)
        {
            parts.Add(whole);
            return true;
        }
        if (alternatives.Count == 1)
        {
            return false;
        }
        var half = alternatives.Count / 2;
        return TrySplit([.. alternatives.Take(half)], like, parts) && TrySplit([.. alternatives.Skip(half)], like, parts);
    }
}
