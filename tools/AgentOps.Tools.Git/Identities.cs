namespace AgentOps.Tools.Git;

/// <summary>Turns delegation-chain subjects into Git identities.</summary>
internal static class Identities
{
    public static string AgentName(string agentId) => "agentops/" + agentId.Split('/').Last();

    public static string AgentEmail(string agentId) => agentId.Split('/').Last() + "@agents.agentops.local";

    public static string? CoAuthorTrailer(string requester)
    {
        if (string.IsNullOrWhiteSpace(requester))
        {
            return null;
        }
        var name = requester.StartsWith("user:", StringComparison.Ordinal) ? requester[5..] : requester;
        return name.Contains('@', StringComparison.Ordinal) ? $"{name.Split('@')[0]} <{name}>" : $"{name} <{name}@users.agentops.local>";
    }
}
