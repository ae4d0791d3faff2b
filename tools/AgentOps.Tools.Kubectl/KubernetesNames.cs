using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;
using ModelContextProtocol;

namespace AgentOps.Tools.Kubectl;

/// <summary>
/// Name checks done before any API call, so that a bad argument is a clear error rather than a strange URL:
/// namespaces are RFC 1123 labels, workload names RFC 1123 subdomains, as the API server itself requires.
/// </summary>
internal static partial class KubernetesNames
{
    public static bool IsNamespace([NotNullWhen(true)] string? value) => value is { Length: > 0 and <= 63 } && Label().IsMatch(value);

    public static bool IsObjectName([NotNullWhen(true)] string? value) => value is { Length: > 0 and <= 253 } && Subdomain().IsMatch(value);

    /// <summary>Any kind's object name as a URL path segment allows it: RBAC names such as <c>system:node</c> are not DNS names.</summary>
    public static bool IsAnyObjectName([NotNullWhen(true)] string? value) =>
        value is { Length: > 0 and <= 253 } and not "." and not ".." && PathSegmentName().IsMatch(value);

    public static bool IsGroup(string? value) => string.IsNullOrEmpty(value) || value.Length <= 253 && Subdomain().IsMatch(value);

    public static string RequireNamespace(string? value) =>
        IsNamespace(value) ? value : throw new McpException($"'{value}' is not a valid namespace: expected an RFC 1123 label (lower-case letters, digits and '-', at most 63 characters).");

    public static string RequireName(string? value, string what) =>
        IsObjectName(value) ? value : throw new McpException($"'{value}' is not a valid {what} name: expected an RFC 1123 subdomain (lower-case letters, digits, '-' and '.', at most 253 characters).");

    public static string RequireContainer(string value) =>
        value.Length <= 63 && Label().IsMatch(value) ? value : throw new McpException($"'{value}' is not a valid container name: expected an RFC 1123 label.");

    /// <summary>Splits <c>apps/v1</c> into group and version; <c>v1</c> is the core group.</summary>
    public static (string Group, string Version) RequireApiVersion(string? value)
    {
        var slash = value?.IndexOf('/', StringComparison.Ordinal) ?? -1;
        var group = slash < 0 ? string.Empty : value![..slash];
        var version = slash < 0 ? value : value![(slash + 1)..];
        return IsGroup(group) && version is { Length: > 0 and <= 63 } && Label().IsMatch(version)
            ? (group, version)
            : throw new McpException($"'{value}' is not an apiVersion: expected 'v1' or '<group>/<version>', e.g. 'apps/v1'.");
    }

    public static string RequireResource(string? value) =>
        value is { Length: > 0 and <= 63 } && Label().IsMatch(value)
            ? value
            : throw new McpException($"'{value}' is not a resource name: expected the lower-case plural, as kubectl api-resources lists it (e.g. 'deployments').");

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", RegexOptions.CultureInvariant)]
    private static partial Regex Label();

    [GeneratedRegex(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$", RegexOptions.CultureInvariant)]
    private static partial Regex Subdomain();

    [GeneratedRegex("^[A-Za-z0-9][-A-Za-z0-9_.:@]*$", RegexOptions.CultureInvariant)]
    private static partial Regex PathSegmentName();
}
