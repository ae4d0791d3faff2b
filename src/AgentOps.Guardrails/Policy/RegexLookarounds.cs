using System.Text;

namespace AgentOps.Guardrails.Policy;

/// <summary>
/// Removes the lookaround groups (<c>(?=…)</c>, <c>(?!…)</c>, <c>(?&lt;=…)</c>, <c>(?&lt;!…)</c>) from a .NET regular
/// expression. A lookaround only ever narrows what a pattern matches, so the pattern without them matches a superset:
/// text the stripped pattern does not match cannot match the original. That makes the stripped pattern an exact
/// prefilter which the non-backtracking engine can run (it refuses lookarounds) in time linear in the text.
/// </summary>
public static class RegexLookarounds
{
    /// <summary>
    /// The pattern without its lookarounds; null when it has none, or when removing one is not a plain deletion (a
    /// quantifier follows it, or the pattern cannot be read): then there is no prefilter and the pattern runs as it is.
    /// </summary>
    public static string? Remove(string pattern)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        var output = new StringBuilder(pattern.Length);
        var removed = false;
        var i = 0;
        while (i < pattern.Length)
        {
            if (IsLookaroundStart(pattern, i))
            {
                var end = GroupEnd(pattern, i);
                if (end < 0 || (end + 1 < pattern.Length && pattern[end + 1] is '*' or '+' or '?' or '{'))
                {
                    return null;
                }
                removed = true;
                i = end + 1;
                continue;
            }
            var next = TokenEnd(pattern, i);
            if (next < 0)
            {
                return null;
            }
            output.Append(pattern, i, next - i);
            i = next;
        }
        return removed ? output.ToString() : null;
    }

    /// <summary>
    /// The top-level alternatives of a pattern, in order (<c>a|(b|c)|d</c> gives <c>a</c>, <c>(b|c)</c>, <c>d</c>);
    /// null when the pattern cannot be read.
    /// </summary>
    public static IReadOnlyList<string>? Alternatives(string pattern)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        var alternatives = new List<string>();
        var start = 0;
        var depth = 0;
        foreach (var (i, after) in Tokens(pattern, 0))
        {
            if (i < 0 || after < 0)
            {
                return null;
            }
            if (pattern[i] == '|' && after == 0)
            {
                alternatives.Add(pattern[start..i]);
                start = i + 1;
            }
            depth = after;
        }
        alternatives.Add(pattern[start..]);
        return depth == 0 ? alternatives : null;
    }

    private static bool IsLookaroundStart(string pattern, int i) =>
        pattern[i] == '(' && i + 2 < pattern.Length && pattern[i + 1] == '?'
        && (pattern[i + 2] is '=' or '!' || (pattern[i + 2] == '<' && i + 3 < pattern.Length && pattern[i + 3] is '=' or '!'));

    // The index of the ')' closing the group opened at start; -1 when it is never closed.
    private static int GroupEnd(string pattern, int start)
    {
        foreach (var (i, depth) in Tokens(pattern, start))
        {
            if (i < 0)
            {
                return -1;
            }
            if (pattern[i] == ')' && depth == 0)
            {
                return i;
            }
        }
        return -1;
    }

    // Every token from start (see TokenEnd), with the depth of groups opened since start once the token is read; a last
    // (-1, depth) when the pattern ends inside an escape or a class.
    private static IEnumerable<(int Index, int Depth)> Tokens(string pattern, int start)
    {
        var depth = 0;
        var i = start;
        while (i < pattern.Length)
        {
            depth += pattern[i] switch { '(' => 1, ')' => -1, _ => 0 };
            yield return (i, depth);
            var next = TokenEnd(pattern, i);
            if (next < 0)
            {
                yield return (-1, depth);
                yield break;
            }
            i = next;
        }
    }

    // One token: an escape (two characters, so "\(" is no group), a whole character class (in which parentheses are
    // plain characters), or any other single character. -1 when the pattern ends inside an escape or a class.
    private static int TokenEnd(string pattern, int i)
    {
        if (pattern[i] == '\\')
        {
            return i + 1 < pattern.Length ? i + 2 : -1;
        }
        if (pattern[i] != '[')
        {
            return i + 1;
        }
        var j = i + 1;
        if (j < pattern.Length && pattern[j] == '^')
        {
            j++;
        }
        // A ']' first in a class is a literal.
        if (j < pattern.Length && pattern[j] == ']')
        {
            j++;
        }
        var depth = 1;
        while (j < pattern.Length)
        {
            switch (pattern[j])
            {
                case '\\':
                    j++;
                    break;
                case '[' when j > 0 && pattern[j - 1] == '-':
                    // .NET character-class subtraction: [a-z-[aeiou]].
                    depth++;
                    break;
                case ']':
                    depth--;
                    if (depth == 0)
                    {
                        return j + 1;
                    }
                    break;
            }
            j++;
        }
        return -1;
    }
}
