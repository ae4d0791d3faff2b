namespace AgentOps.GitOps;

/// <summary>
/// Who may approve or merge. Agents propose; only humans other than the requester dispose.
/// </summary>
public static class ReviewerRules
{
    /// <summary>Agent identities are SPIFFE IDs; no such identity can ever approve or merge.</summary>
    public static bool IsAgent(string subject) =>
        subject.Trim().StartsWith("spiffe://", StringComparison.OrdinalIgnoreCase) ||
        subject.Trim().StartsWith("agent:", StringComparison.OrdinalIgnoreCase);

    /// <summary>Identities compare trimmed and case-insensitively, so padding a name cannot make it someone else.</summary>
    public static bool SameIdentity(string a, string b) => string.Equals(a.Trim(), b.Trim(), StringComparison.OrdinalIgnoreCase);

    public static void EnsureMayApprove(string reviewer, string requester, string author)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reviewer);
        if (IsAgent(reviewer))
        {
            throw new ForgeRuleException("forge.review.no-agent-approval", $"'{reviewer}' is an agent identity; agents can never approve pull requests.");
        }
        if (SameIdentity(reviewer, requester))
        {
            throw new ForgeRuleException("forge.review.no-self-approval", $"'{reviewer}' requested this change and cannot approve their own pull request.");
        }
        if (SameIdentity(reviewer, author))
        {
            throw new ForgeRuleException("forge.review.no-self-approval", $"'{reviewer}' authored this pull request and cannot approve it.");
        }
    }
}
