using System.Text;

namespace AgentOps.Guardrails;

/// <summary>
/// What every screened text becomes before a pattern or the scorer reads it: NFKC, without zero-width and bidi control
/// characters (a classic way to split a keyword past a filter), with Cyrillic and Greek look-alikes inside a Latin word
/// folded to Latin ("іgnоrе"), and with "leetspeak" inside a word ("ign0re",
/// "prev1ous") read back as letters: only in a word that starts with a letter and mixes letters with 0, 1, 3, 4, 5, 6, 7 or
/// 9 (6 and 9 read as g: "l0661n6"), so versions, hashes and zone names ("v2.14.3", "8f2c1ab", "eu-west-1") are left as they are.
/// Base64 and hex runs that decode to readable text are decoded and appended (see <see cref="EncodedPayloads"/>).
/// Text that none of this changes is returned as the same instance: every tool argument is screened on every call, and
/// most are plain ASCII that needs nothing, so the usual case allocates nothing.
/// </summary>
internal static class TextNormalisation
{
    public static string Normalise(string text)
    {
        // Decoded payloads are appended before the rest, so they are normalised like the text around them.
        if (EncodedPayloads.Decode(text) is { } decoded)
        {
            text = text + "\n" + decoded;
        }
        if (Ascii.IsValid(text))
        {
            // NFKC changes no ASCII character, and the invisible characters are all outside ASCII.
            return HasLeetspeak(text) ? ReadLeetspeak(text) : text;
        }
        if (text.IsNormalized(NormalizationForm.FormKC) && !HasInvisible(text) && !HasLeetspeak(text) && !HasHomoglyphWord(text))
        {
            return text;
        }
        var builder = new StringBuilder(text.Length);
        foreach (var c in text.Normalize(NormalizationForm.FormKC))
        {
            if (!IsInvisible(c))
            {
                builder.Append(c);
            }
        }
        var normalised = builder.ToString();
        if (HasHomoglyphWord(normalised))
        {
            normalised = FoldHomoglyphs(normalised);
        }
        return HasLeetspeak(normalised) ? ReadLeetspeak(normalised) : normalised;
    }

    // Cyrillic and Greek letters drawn like Latin ones ("іgnоrе" with Cyrillic і, о, е): NFKC keeps them, so a pattern
    // for "ignore" would not see the word. They are folded only inside a word that also has a Latin letter, or that is
    // made of look-alikes alone, so Russian or Greek prose reads as written.
    private static char LatinLookAlike(char c) => c switch
    {
        'а' => 'a', 'е' => 'e', 'о' => 'o', 'р' => 'p', 'с' => 'c', 'у' => 'y', 'х' => 'x', 'і' => 'i', 'ј' => 'j', 'ѕ' => 's', 'ԁ' => 'd', 'һ' => 'h', 'ԛ' => 'q', 'ԝ' => 'w',
        'А' => 'A', 'В' => 'B', 'Е' => 'E', 'К' => 'K', 'М' => 'M', 'Н' => 'H', 'О' => 'O', 'Р' => 'P', 'С' => 'C', 'Т' => 'T', 'Х' => 'X', 'У' => 'Y', 'І' => 'I', 'Ј' => 'J', 'Ѕ' => 'S',
        'ο' => 'o', 'α' => 'a', 'ι' => 'i', 'κ' => 'k', 'ν' => 'v', 'ρ' => 'p', 'υ' => 'u',
        'Α' => 'A', 'Β' => 'B', 'Ε' => 'E', 'Ζ' => 'Z', 'Η' => 'H', 'Ι' => 'I', 'Κ' => 'K', 'Μ' => 'M', 'Ν' => 'N', 'Ο' => 'O', 'Ρ' => 'P', 'Τ' => 'T', 'Υ' => 'Y', 'Χ' => 'X',
        _ => '\0',
    };

    private static bool IsFoldableWord(string text, int start, int end)
    {
        var latin = false;
        var lookAlikes = 0;
        var letters = 0;
        for (var i = start; i < end; i++)
        {
            var c = text[i];
            if (!char.IsLetter(c))
            {
                continue;
            }
            letters++;
            latin |= char.IsAsciiLetter(c);
            lookAlikes += LatinLookAlike(c) != '\0' ? 1 : 0;
        }
        return lookAlikes > 0 && (latin || lookAlikes == letters);
    }

    private static bool HasHomoglyphWord(string text)
    {
        for (var (start, end) = (0, 0); NextWord(text, ref start, out end); start = end)
        {
            if (IsFoldableWord(text, start, end))
            {
                return true;
            }
        }
        return false;
    }

    private static string FoldHomoglyphs(string text) => string.Create(text.Length, text, static (chars, source) =>
    {
        source.AsSpan().CopyTo(chars);
        for (var (start, end) = (0, 0); NextWord(source, ref start, out end); start = end)
        {
            if (!IsFoldableWord(source, start, end))
            {
                continue;
            }
            for (var i = start; i < end; i++)
            {
                if (LatinLookAlike(source[i]) is var latin and not '\0')
                {
                    chars[i] = latin;
                }
            }
        }
    });

    private static bool IsInvisible(char c) =>
        c is '\u200B' or '\u200C' or '\u200D' or '\u2060' or '\uFEFF' || c is >= '\u202A' and <= '\u202E' || c is >= '\u2066' and <= '\u2069';

    private static bool HasInvisible(string text)
    {
        foreach (var c in text)
        {
            if (IsInvisible(c))
            {
                return true;
            }
        }
        return false;
    }

    private static bool HasLeetspeak(string text)
    {
        for (var (start, end) = (0, 0); NextWord(text, ref start, out end); start = end)
        {
            if (IsLeetWord(text, start, end))
            {
                return true;
            }
        }
        return false;
    }

    private static string ReadLeetspeak(string text) => string.Create(text.Length, text, static (chars, source) =>
    {
        source.AsSpan().CopyTo(chars);
        for (var (start, end) = (0, 0); NextWord(source, ref start, out end); start = end)
        {
            if (!IsLeetWord(source, start, end))
            {
                continue;
            }
            for (var i = start; i < end; i++)
            {
                chars[i] = chars[i] switch { '0' => 'o', '1' => 'i', '3' => 'e', '4' => 'a', '5' => 's', '6' or '9' => 'g', '7' => 't', var other => other };
            }
        }
    });

    /// <summary>The next run of letters and digits at or after <paramref name="start"/>: [start, end).</summary>
    private static bool NextWord(string text, ref int start, out int end)
    {
        while (start < text.Length && !char.IsLetterOrDigit(text[start]))
        {
            start++;
        }
        end = start;
        while (end < text.Length && char.IsLetterOrDigit(text[end]))
        {
            end++;
        }
        return end > start;
    }

    // A word is leetspeak when it starts with a letter (or, see IsLeetFromDigit, a look-alike digit) and a look-alike
    // digit stands before a letter ("s3cr3t",
    // "passw0rd", "adm1n"), or one look-alike digit ends a word of three or more characters after a letter ("th3").
    // A run of digits that ends a word is a number, not a disguise: "base64", "sha256" and "x509" read as written, or
    // "env | base64" would become "base6a" and no pattern naming base64 would see it.
    private static bool IsLeetWord(string text, int start, int end)
    {
        if (!char.IsLetter(text[start]) && !IsLeetFromDigit(text, start, end))
        {
            return false;
        }
        for (var i = start + 1; i < end - 1; i++)
        {
            if (IsLookAlike(text[i]) && char.IsLetter(text[i + 1]))
            {
                return true;
            }
        }
        return end - start >= 3 && IsLookAlike(text[end - 1]) && char.IsLetter(text[end - 2]);
    }

    private static bool IsLookAlike(char c) => c is '0' or '1' or '3' or '4' or '5' or '6' or '7' or '9';

    // A word may also start with a look-alike digit other than 1 ("4ppr0v4l", "4ud1t") when it has two letters or more
    // and is not a hex number ("3f8a2c1d", a commit): "1st", "5xx" and "0x1f" stay as written.
    private static bool IsLeetFromDigit(string text, int start, int end)
    {
        // Not "1": at the start of a word it reads as i or l, and "1gn0r3" is left to the pattern written for it.
        if (text[start] is not ('0' or '3' or '4' or '5' or '7'))
        {
            return false;
        }
        var letters = 0;
        var hex = true;
        for (var i = start; i < end; i++)
        {
            var c = text[i];
            letters += char.IsLetter(c) ? 1 : 0;
            hex &= char.IsAsciiHexDigit(c);
        }
        return letters >= 2 && !hex;
    }
}
