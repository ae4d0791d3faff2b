using System.Globalization;
using System.Text;

namespace AgentOps.Core;

/// <summary>
/// One way to read who someone is, for every four-eyes rule (approve, merge, roll back). Without it, look-alikes —
/// a zero-width space, full-width letters, a <c>user:</c> prefix, a Cyrillic "а" — let a requester approve their own
/// change or an agent pass as a human.
/// </summary>
public static class PrincipalName
{
    /// <summary>NFKC, without invisible format characters, without a <c>user:</c> prefix, trimmed, lower case.</summary>
    public static string Normalize(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var builder = new StringBuilder(name.Length);
        foreach (var c in name.Normalize(NormalizationForm.FormKC))
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) is not UnicodeCategory.Format)
            {
                builder.Append(c);
            }
        }
        var normalized = builder.ToString().Trim().ToLowerInvariant();
        return normalized.StartsWith("user:", StringComparison.Ordinal) ? normalized[5..].Trim() : normalized;
    }

    /// <summary>True for anything that names an agent: a URI (SPIFFE ID), <c>agent:</c>, or an agent's Git identity.</summary>
    public static bool IsAgent(string name)
    {
        var normalized = Normalize(name);
        return normalized.Contains("://", StringComparison.Ordinal) ||
            normalized.StartsWith("spiffe:", StringComparison.Ordinal) ||
            normalized.StartsWith("agent:", StringComparison.Ordinal) ||
            normalized.StartsWith("agentops/", StringComparison.Ordinal) ||
            normalized.EndsWith("@agents.agentops.local", StringComparison.Ordinal);
    }

    /// <summary>A human name we accept for approvals: printable ASCII, no spaces, not an agent.</summary>
    public static bool IsWellFormedHuman(string name) =>
        Normalize(name) is { Length: > 0 and <= 254 } normalized &&
        normalized.All(c => c is > ' ' and < '\u007f') &&
        !IsAgent(normalized);

    public static bool Same(string a, string b) => Normalize(a) == Normalize(b);
}
