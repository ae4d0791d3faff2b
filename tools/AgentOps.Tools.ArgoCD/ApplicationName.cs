using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;
using ModelContextProtocol;

namespace AgentOps.Tools.ArgoCD;

/// <summary>
/// An ArgoCD application is a Kubernetes object, so its name is a DNS-1123 subdomain. Checking that before a name
/// reaches a scope or a URL keeps <c>guestbook/../../settings</c> out of both.
/// </summary>
internal static partial class ApplicationName
{
    private const int MaxLength = 253;

    public static bool IsValid([NotNullWhen(true)] string? name) => name is { Length: > 0 and <= MaxLength } && Subdomain().IsMatch(name);

    /// <summary>Returns <paramref name="name"/> when it is a valid application name; otherwise a clear tool error.</summary>
    public static string Require(string? name, string what = "application name") => IsValid(name)
        ? name
        : throw new McpException($"'{Shorten(name)}' is not a valid ArgoCD {what}: use lowercase letters, digits, '-' and '.', at most {MaxLength} characters (a DNS-1123 subdomain).");

    private static string Shorten(string? text) => text is null ? "" : text.Length > 80 ? text[..80] + "…" : text;

    [GeneratedRegex(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$", RegexOptions.CultureInvariant)]
    private static partial Regex Subdomain();
}
