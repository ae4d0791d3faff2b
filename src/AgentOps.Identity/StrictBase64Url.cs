using System.Buffers.Text;
using System.Diagnostics.CodeAnalysis;

namespace AgentOps.Identity;

internal static class StrictBase64Url
{
    public static string Encode(ReadOnlySpan<byte> data) => Base64Url.EncodeToString(data);

    /// <summary>
    /// Accepts only the canonical unpadded encoding. Padding, whitespace or non-zero trailing bits would let
    /// two different strings carry the same bytes, which defeats anything that compares or caches token text.
    /// </summary>
    public static bool TryDecode(ReadOnlySpan<char> text, [NotNullWhen(true)] out byte[]? bytes)
    {
        bytes = null;
        if (text.Length % 4 == 1)
        {
            return false;
        }
        foreach (var c in text)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '-' && c != '_')
            {
                return false;
            }
        }
        byte[] decoded;
        try
        {
            decoded = Base64Url.DecodeFromChars(text);
        }
        catch (FormatException)
        {
            return false;
        }
        if (!Base64Url.EncodeToString(decoded).AsSpan().SequenceEqual(text))
        {
            return false;
        }
        bytes = decoded;
        return true;
    }
}
