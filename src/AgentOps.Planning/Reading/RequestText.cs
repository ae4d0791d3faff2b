using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace AgentOps.Planning.Reading;

/// <summary>
/// A request in a normal form (lower case, no accents or apostrophes, punctuation as spaces) that
/// readers take words from. A word one parameter has used is set aside, so a service called
/// "orders-redis" or a team called "dev" is not read a second time as an engine or a size.
/// </summary>
internal sealed partial class RequestText
{
    private readonly char[] _chars;

    public RequestText(string request)
    {
        Original = Normalize(request);
        _chars = Original.ToCharArray();
    }

    /// <summary>
    /// The normalised text with nothing set aside. Negation is read here: once "mysql" is set aside,
    /// "not mysql, for payments-api, small" must not read as "not ... small".
    /// </summary>
    public string Original { get; }

    /// <summary>The text with set-aside words blanked out; positions never move.</summary>
    public string Current => new(_chars);

    public bool IsEmpty => Array.TrueForAll(_chars, char.IsWhiteSpace);

    public void SetAside(int index, int length) => Array.Fill(_chars, ' ', index, length);

    /// <summary>
    /// Keeps letters, digits, '-' (names and region ids) and '.' (amounts such as 1.5 TB); everything
    /// else becomes a single space. Skill phrases go through the same function so both sides agree.
    /// </summary>
    public static string Normalize(string text)
    {
        var builder = new StringBuilder(text.Length);
        var pendingSpace = false;
        foreach (var c in text.Normalize(NormalizationForm.FormD).ToLowerInvariant())
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark || c is '\'' or '\u2019')
            {
                continue;
            }
            if (c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-' or '.')
            {
                if (pendingSpace && builder.Length > 0)
                {
                    builder.Append(' ');
                }
                pendingSpace = false;
                builder.Append(c);
            }
            else
            {
                pendingSpace = true;
            }
        }
        return builder.ToString();
    }

    /// <summary>True when the match covers a whole word: no letter, digit or '-' touches it on either side.</summary>
    public static bool IsWholeWord(string text, int index, int length) =>
        (index == 0 || !IsWordChar(text[index - 1])) && (index + length >= text.Length || !IsWordChar(text[index + length]));

    /// <summary>
    /// True when the word just before <paramref name="index"/> negates what follows ("not postgres",
    /// "without redis"). Deliberately narrow: the requirement screen uses it, and there a wider reading would
    /// drop a requirement silently ("nothing special except read replicas" asks for replicas).
    /// </summary>
    public static bool IsNegated(string text, int index)
    {
        var words = text[..index].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return words.Length > 0 && words[^1].TrimEnd('.') is "no" or "not" or "without" or "never" or "dont" or "nor";
    }

    /// <summary>
    /// True when the request rules out the value at <paramref name="index"/>: a negation before it ("not",
    /// "except", "but not in", "anything but", "other than", "dont need", "no need for", optionally followed by
    /// "in", "for" or an article: "anywhere except the EU"), or one after it ("daily backups are not needed").
    /// A value ruled out this way must never be chosen.
    /// </summary>
    public static bool IsRuledOut(string text, int index, int length)
    {
        // The last few words are enough for any negation phrase, and keep the regex off long requests.
        var before = text[..index].Split(' ', StringSplitOptions.RemoveEmptyEntries).TakeLast(6).Select(w => w.TrimEnd('.'));
        return IsNegated(text, index) ||
            NegationBefore().IsMatch(string.Join(' ', before)) ||
            NegationAfter().IsMatch(text[Math.Min(text.Length, index + length)..]);
    }

    private static bool IsWordChar(char c) => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-';

    [GeneratedRegex(
        @"(?:^| )(?:not|without|except|excluding|other than|anything but|anywhere but|(?:dont|do not|doesnt|does not) (?:need|want)|no need(?: of)?)(?: (?:in|for|the|a|an|any)){0,2}$",
        RegexOptions.CultureInvariant,
        matchTimeoutMilliseconds: 500)]
    private static partial Regex NegationBefore();

    // "daily backups are not needed", "redis is not required", "a big one isnt needed".
    [GeneratedRegex(
        @"^\.?\s+(?:(?:backups?|snapshots?|one|region|size|engine|instance|database|db)\s+)?(?:(?:is|are)\s+not|isnt|arent|not)\s+(?:needed|required|necessary|wanted)(?![a-z0-9-])",
        RegexOptions.CultureInvariant,
        matchTimeoutMilliseconds: 500)]
    private static partial Regex NegationAfter();
}
