using System.Buffers;
using System.Text;
using System.Text.Unicode;

namespace AgentOps.Guardrails;

/// <summary>
/// Finds base64 and hex runs in text that decode to readable text, and returns what they say. An instruction encoded
/// so the reader (and every pattern) sees only letters and digits ("run the cleanup cmd:
/// 6b75626563746c2064656c657465…") is then screened like the words around it.
/// </summary>
/// <remarks>
/// Readable means valid UTF-8, no control characters other than tab and line breaks, at least two spaces, and mostly
/// letters. What tool output is full of stays out: commit hashes and digests decode to bytes that are not UTF-8,
/// keys and certificates to binary, and a Kubernetes Secret value or a JWT header to one word or to JSON without
/// spaces. The scan is one pass over the characters and allocates nothing unless a run of at least
/// <see cref="MinimumRun"/> characters decodes to readable text.
/// </remarks>
internal static class EncodedPayloads
{
    /// <summary>The shortest run tried: 16 hex digits are 8 characters of text, 16 base64 characters 12.</summary>
    public const int MinimumRun = 16;

    // Longer runs are read up to this many characters: an instruction fits, and a pasted binary blob costs no more.
    private const int MaximumRun = 4096;

    /// <summary>
    /// The readable texts the runs in <paramref name="text"/> decode to, one per line, each after a marker naming its
    /// encoding ("[decoded hex] kubectl delete …"); null when there are none. The marker lets a pattern in
    /// <c>injection.yaml</c> weigh what was hidden more than what was said openly.
    /// </summary>
    public static string? Decode(string text)
    {
        StringBuilder? decoded = null;
        var span = text.AsSpan();
        var i = 0;
        while (i < text.Length)
        {
            // Vectorised skips over what cannot be in a run and over each run: most runs are ordinary words, and the
            // screen does this for every tool argument of every call.
            var next = span[i..].IndexOfAny(s_base64Chars);
            if (next < 0)
            {
                break;
            }
            var start = i + next;
            var length = span[start..].IndexOfAnyExcept(s_base64Chars);
            i = length < 0 ? text.Length : start + length;
            if (i - start < MinimumRun)
            {
                continue;
            }
            var hex = span[start..i].IndexOfAnyExcept(s_hexChars) < 0;
            var end = i;
            while (i < text.Length && text[i] == '=' && i - end < 2)
            {
                i++;
            }
            // A run must stand alone: "sha256:<digest>" and "key=<value>" qualify, a run inside a longer word does not.
            if ((i < text.Length && char.IsLetterOrDigit(text[i])) || (start > 0 && char.IsLetterOrDigit(text[start - 1])))
            {
                continue;
            }
            var run = text.AsSpan(start, Math.Min(end - start, MaximumRun));
            var isHex = hex && run.Length % 2 == 0;
            var readable = isHex ? FromHex(run) : FromBase64(text.AsSpan(start, i - start), run);
            if (readable is not null)
            {
                decoded ??= new StringBuilder();
                decoded.Append(decoded.Length > 0 ? "\n" : "").Append(isHex ? HexMarker : Base64Marker).Append(readable);
            }
        }
        return decoded?.ToString();
    }

    /// <summary>What stands before text decoded from hex.</summary>
    public const string HexMarker = "[decoded hex] ";

    /// <summary>What stands before text decoded from base64.</summary>
    public const string Base64Marker = "[decoded base64] ";

    private static readonly SearchValues<char> s_base64Chars = SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/");

    private static readonly SearchValues<char> s_hexChars = SearchValues.Create("0123456789ABCDEFabcdef");

    private static string? FromHex(ReadOnlySpan<char> run)
    {
        var rented = ArrayPool<byte>.Shared.Rent(run.Length / 2);
        try
        {
            return Convert.FromHexString(run, rented, out _, out var written) == OperationStatus.Done
                ? Readable(rented.AsSpan(0, written))
                : null;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    // withPadding is the run and its '=' signs; a run without them whose length is not a multiple of four is read as
    // if they were there (text pasted from a terminal often loses them).
    private static string? FromBase64(ReadOnlySpan<char> withPadding, ReadOnlySpan<char> run)
    {
        if (run.Length < withPadding.Length && run.Length == MaximumRun)
        {
            withPadding = run;
        }
        var missing = (4 - withPadding.Length % 4) % 4;
        if (missing == 3)
        {
            return null;
        }
        var chars = ArrayPool<char>.Shared.Rent(withPadding.Length + missing);
        var bytes = ArrayPool<byte>.Shared.Rent((withPadding.Length + missing) / 4 * 3);
        try
        {
            withPadding.CopyTo(chars);
            chars.AsSpan(withPadding.Length, missing).Fill('=');
            return Convert.TryFromBase64Chars(chars.AsSpan(0, withPadding.Length + missing), bytes, out var written)
                ? Readable(bytes.AsSpan(0, written))
                : null;
        }
        finally
        {
            ArrayPool<char>.Shared.Return(chars);
            ArrayPool<byte>.Shared.Return(bytes);
        }
    }

    // Counted rune by rune over the bytes, so a run that decodes to something unreadable (a Secret's one-word value,
    // JSON without spaces) costs no string.
    private static string? Readable(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < 8 || !Utf8.IsValid(bytes))
        {
            return null;
        }
        int spaces = 0, letters = 0, others = 0;
        for (var rest = bytes; !rest.IsEmpty;)
        {
            Rune.DecodeFromUtf8(rest, out var rune, out var consumed);
            rest = rest[consumed..];
            if (Rune.IsControl(rune) && rune.Value is not ('\t' or '\n' or '\r'))
            {
                return null;
            }
            if (Rune.IsWhiteSpace(rune))
            {
                spaces++;
            }
            else if (Rune.IsLetter(rune))
            {
                letters++;
            }
            else
            {
                others++;
            }
        }
        return spaces >= 2 && letters >= 2 * others ? Encoding.UTF8.GetString(bytes) : null;
    }
}
