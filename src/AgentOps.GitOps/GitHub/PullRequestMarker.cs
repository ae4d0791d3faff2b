using System.Text.RegularExpressions;

namespace AgentOps.GitOps.GitHub;

/// <summary>
/// GitHub has no field for who asked for a change or which run made it, so the provider appends a hidden HTML comment
/// to the body it opens the pull request with, and strips it again when it reads the body back.
/// </summary>
/// <remarks>
/// Anyone who can edit the pull request can edit the marker. It feeds display and the "requester may not approve"
/// check, which GitHub's own branch protection should back up; it never grants anything.
/// </remarks>
internal static partial class PullRequestMarker
{
    public static string Append(string body, string requester, string? runId)
    {
        var marker = $"<!-- agentops: requester={Token(requester)} run={Token(runId)} -->";
        return string.IsNullOrEmpty(body) ? marker : $"{body.TrimEnd()}\n\n{marker}";
    }

    public static (string Body, string Requester, string? RunId) Parse(string? body)
    {
        if (string.IsNullOrEmpty(body))
        {
            return (string.Empty, string.Empty, null);
        }
        var match = MarkerPattern().Match(body);
        if (!match.Success)
        {
            return (body, string.Empty, null);
        }
        var requester = match.Groups["requester"].Value;
        var run = match.Groups["run"].Value;
        return (body[..match.Index].TrimEnd(), requester == "-" ? string.Empty : requester, run == "-" ? null : run);
    }

    // A value with white space or "--" would end the comment or the field early: leave it out rather than garble it.
    private static string Token(string? value) =>
        string.IsNullOrWhiteSpace(value) || value.Any(char.IsWhiteSpace) || value.Contains("--", StringComparison.Ordinal) ? "-" : value;

    [GeneratedRegex(@"\s*<!-- agentops: requester=(?<requester>\S+) run=(?<run>\S+) -->\s*\z")]
    private static partial Regex MarkerPattern();
}
