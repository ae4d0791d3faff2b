using System.Text.RegularExpressions;
using ModelContextProtocol;

namespace AgentOps.Tools.Kubectl;

/// <summary>Checks on selector and paging arguments: the API server parses them, but only well-formed text is sent.</summary>
internal static partial class Selectors
{
    public static string? RequireLabelSelector(string? selector) =>
        string.IsNullOrWhiteSpace(selector)
            ? null
            : selector.Length <= 1024 && LabelSelector().IsMatch(selector)
                ? selector
                : throw new McpException($"'{selector}' is not a label selector: expected e.g. app=payments-api or 'tier in (web,api)'.");

    public static string? RequireContinue(string? token) =>
        string.IsNullOrEmpty(token)
            ? null
            : token.Length <= 4096 && ContinueToken().IsMatch(token)
                ? token
                : throw new McpException("continue must be the 'continue' value of a previous resources_list result.");

    public static bool IsKind(string kind) => kind.Length <= 63 && Kind().IsMatch(kind);

    [GeneratedRegex(@"^[A-Za-z0-9_./=!,() -]+$", RegexOptions.CultureInvariant)]
    private static partial Regex LabelSelector();

    [GeneratedRegex(@"^[A-Za-z0-9+/=_-]+$", RegexOptions.CultureInvariant)]
    private static partial Regex ContinueToken();

    [GeneratedRegex("^[A-Z][A-Za-z0-9]*$", RegexOptions.CultureInvariant)]
    private static partial Regex Kind();
}
