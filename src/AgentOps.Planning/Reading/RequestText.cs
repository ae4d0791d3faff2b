using System.Globalization;
using System.Text;

namespace AgentOps.Planning.Reading;

/// <summary>
/// A request in a normal form (lower case, no accents or apostrophes, punctuation as spaces) that
/// readers take words from. A word one parameter has used is set aside, so a service called
/// "orders-redis" or a team called "dev" is not read a second time as an engine or a size.
/// </summary>
internal sealed class RequestText
{
    private readonly char[] _chars;

    public RequestText(string request) => _chars = Normalize(request).ToCharArray();

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
    /// "without redis"), so a reader does not take a value the requester ruled out.
    /// </summary>
    public static bool IsNegated(string text, int index)
    {
        var words = text[..index].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return words.Length > 0 && words[^1].TrimEnd('.') is "no" or "not" or "without" or "never" or "dont" or "nor";
    }

    private static bool IsWordChar(char c) => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-';
}
