namespace AgentOps.GitOps;

/// <summary>
/// Who may approve or merge. Agents propose; only humans other than the requester dispose.
/// </summary>
public static class ReviewerRules
{
    /// <summary>Agent identities are SPIFFE IDs; no such identity can ever approve or merge.</summary>
    public static bool IsAgent(string subject) =>
        subject.StartsWith("spiffe://", StringComparison.OrdinalIgnoreCase) ||
        subject.StartsWith("agent:", StringComparison.OrdinalIgnoreCase);

    public static void EnsureMayApprove(string reviewer, string requester, string author)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reviewer);
        if (IsAgent(reviewer))
        {
            throw new ForgeRuleException("forge.review.no-agent-approval", $"'{reviewer}' is an agent identity; agents can never approve pull requests.");
        }
        if (string.Equals(reviewer, requester, StringComparison.OrdinalIgnoreCase))
        {
            throw new ForgeRuleException("forge.review.no-self-approval", $"'{reviewer}' requested this change and cannot approve their own pull request.");
        }
        if (string.Equals(reviewer, author, StringComparison.OrdinalIgnoreCase))
        {
            throw new ForgeRuleException("forge.review.no-self-approval", $"'{reviewer}' authored this pull request and cannot approve it.");
        }
    }
}
