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
