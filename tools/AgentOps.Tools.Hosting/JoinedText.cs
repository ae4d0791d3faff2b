namespace AgentOps.Tools.Hosting;

/// <summary>
/// Decides whether a pattern finds the same secrets in many values joined by line breaks as in each value on its own,
/// so one regex run over the join can stand in for one per value. A line break must look to the pattern exactly like
/// the end or start of a value: true for word boundaries and for lookarounds that cannot match a line break, false for
/// anchors (<c>^ $ \A \z \Z \G</c>) and for negative lookarounds that could match one (<c>(?&lt;!\s)</c> holds at the
/// start of a value but not after a line break). Extra matches across a line break are harmless: they only send the
/// values to the per-value path. Anything this cannot read with certainty counts as unsafe.
/// </summary>
internal static class JoinedText
{
    // Inside a negative lookaround, any of these could match a line break (or needs more reading than is worth doing).
    private static readonly string[] s_mayMatchLineBreak = ["[^", @"\s", @"\W", @"\D", @"\n", @"\x", @"\u", @"\c", @"\p", @"\P", @"\0", "(?s", "(?x"];

    public static bool IsSafeFor(string pattern)
    {
        var inClass = false;
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '\\')
            {
                if (i + 1 >= pattern.Length)
                {
                    return false;
                }
                if (!inClass && pattern[i + 1] is 'A' or 'z' or 'Z' or 'G')
                {
                    return false;
                }
                i++;
                continue;
            }
            if (inClass)
            {
                inClass = c != ']';
                continue;
            }
            switch (c)
            {
                case '[':
                    inClass = true;
                    // A ']' straight after '[' or '[^' is a literal, not the end of the class.
                    if (i + 1 < pattern.Length && pattern[i + 1] == '^')
                    {
                        i++;
                    }
                    if (i + 1 < pattern.Length && pattern[i + 1] == ']')
                    {
                        i++;
                    }
                    break;
                case '^' or '$':
                    return false;
                case '(' when IsNegativeLookaround(pattern, i, out var contentStart):
                    if (GroupEnd(pattern, contentStart) is not { } end ||
                        s_mayMatchLineBreak.Any(t => pattern.AsSpan(contentStart, end - contentStart).Contains(t, StringComparison.Ordinal)))
                    {
                        return false;
                    }
                    break;
                case '(' when pattern.AsSpan(i).StartsWith("(?") && !IsPlainGroupPrefix(pattern, i):
                    // Inline options such as (?s) or (?m) change what '.', '^' and '$' mean for the rest.
                    return false;
            }
        }
        return !inClass;
    }

    private static bool IsNegativeLookaround(string pattern, int at, out int contentStart)
    {
        var rest = pattern.AsSpan(at);
        contentStart = at + (rest.StartsWith("(?<!") ? 4 : rest.StartsWith("(?!") ? 3 : 0);
        return contentStart != at;
    }

    // (?: (?= (?<= (?<name> and (?'name' are groups that change no option.
    private static bool IsPlainGroupPrefix(string pattern, int at)
    {
        var rest = pattern.AsSpan(at);
        return rest.StartsWith("(?:") || rest.StartsWith("(?=") || rest.StartsWith("(?<=") || rest.StartsWith("(?!") || rest.StartsWith("(?<!") ||
            (rest.StartsWith("(?<") && rest.Length > 3 && char.IsLetter(rest[3])) || rest.StartsWith("(?'");
    }

    /// <summary>The index of the ')' closing the group whose content starts at <paramref name="from"/>, or null.</summary>
    private static int? GroupEnd(string pattern, int from)
    {
        var depth = 0;
        var inClass = false;
        for (var i = from; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '\\')
            {
                i++;
                continue;
            }
            if (inClass)
            {
                inClass = c != ']';
                continue;
            }
            switch (c)
            {
                case '[':
                    inClass = true;
                    break;
                case '(':
                    depth++;
                    break;
                case ')' when depth == 0:
                    return i;
                case ')':
                    depth--;
                    break;
            }
        }
        return null;
    }
}
