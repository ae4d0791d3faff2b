using AgentOps.Core;

namespace AgentOps.Tools.Git;

/// <summary>Turns delegation-chain subjects into Git identities.</summary>
internal static class Identities
{
    public static string AgentName(string agentId) => "agentops/" + AgentSlug(agentId);

    public static string AgentEmail(string agentId) => AgentSlug(agentId) + "@agents.agentops.local";

    /// <summary>
    /// The <c>Co-authored-by:</c> value for the human at the root of the delegation chain, or null when that root is
    /// not a well-formed human identity: an agent is never credited as a co-author, and a name with spaces, angle
    /// brackets or line breaks could forge further trailers.
    /// </summary>
    public static string? CoAuthorTrailer(string requester)
    {
        if (string.IsNullOrWhiteSpace(requester) || !PrincipalName.IsWellFormedHuman(requester))
        {
            return null;
        }
        var name = PrincipalName.Normalize(requester);
        if (name.Contains('<', StringComparison.Ordinal) || name.Contains('>', StringComparison.Ordinal))
        {
            return null;
        }
        return name.Contains('@', StringComparison.Ordinal) ? $"{name.Split('@')[0]} <{name}>" : $"{name} <{name}@users.agentops.local>";
    }

    // The last segment of a SPIFFE ID, kept to characters that are safe in a Git name and e-mail address.
    private static string AgentSlug(string agentId)
    {
        var slug = new string(agentId.Split('/').Last().Where(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.').ToArray());
        return slug.Length > 0 ? slug : "agent";
    }
}
