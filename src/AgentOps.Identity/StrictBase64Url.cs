using System.Buffers;
using System.Buffers.Text;
using System.Diagnostics.CodeAnalysis;

namespace AgentOps.Identity;

internal static class StrictBase64Url
{
    private static readonly SearchValues<char> s_alphabet =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_");

    public static string Encode(ReadOnlySpan<byte> data) => Base64Url.EncodeToString(data);

    /// <summary>The length of what <paramref name="text"/> decodes to, if it is canonical; see <see cref="TryDecode(ReadOnlySpan{char}, out byte[])"/>.</summary>
    public static bool TryGetDecodedLength(ReadOnlySpan<char> text, out int length)
    {
        length = text.Length / 4 * 3 + (text.Length % 4) switch { 2 => 1, 3 => 2, _ => 0 };
        return IsCanonical(text);
    }

    /// <summary>
    /// Accepts only the canonical unpadded encoding. Padding, whitespace or non-zero trailing bits would let
    /// two different strings carry the same bytes, which defeats anything that compares or caches token text.
    /// </summary>
    public static bool TryDecode(ReadOnlySpan<char> text, [NotNullWhen(true)] out byte[]? bytes)
    {
        bytes = null;
        if (!TryGetDecodedLength(text, out var length))
        {
            return false;
        }
        var decoded = new byte[length];
        if (!TryDecode(text, decoded))
        {
            return false;
        }
        bytes = decoded;
        return true;
    }

    /// <summary>Decodes canonical <paramref name="text"/> into exactly <paramref name="destination"/>, whose length <see cref="TryGetDecodedLength"/> gave.</summary>
    public static bool TryDecode(ReadOnlySpan<char> text, Span<byte> destination) =>
        Base64Url.DecodeFromChars(text, destination, out var consumed, out var written) == OperationStatus.Done &&
        consumed == text.Length && written == destination.Length;

    private static bool IsCanonical(ReadOnlySpan<char> text)
    {
        if (text.Length % 4 == 1)
        {
            return false;
        }
        // The decoder skips whitespace, so the alphabet is checked first, over the whole text.
        if (text.ContainsAnyExcept(s_alphabet))
        {
            return false;
        }
        // The last character of a 2- or 3-character group carries 4 or 2 bits beyond the data; canonical means zero.
        var unusedBits = (text.Length % 4) switch { 2 => 0b1111, 3 => 0b11, _ => 0 };
        return unusedBits == 0 || (SextetOf(text[^1]) & unusedBits) == 0;
    }

    private static int SextetOf(char c) => c switch
    {
        >= 'A' and <= 'Z' => c - 'A',
        >= 'a' and <= 'z' => c - 'a' + 26,
        >= '0' and <= '9' => c - '0' + 52,
        '-' => 62,
        _ => 63,
    };
}
