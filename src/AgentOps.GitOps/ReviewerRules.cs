using AgentOps.Core;

namespace AgentOps.GitOps;

/// <summary>
/// Who may approve or merge. Agents propose; only humans other than the requester dispose.
/// </summary>
public static class ReviewerRules
{
    /// <summary>Agent identities (SPIFFE IDs, agent Git identities and look-alikes of them) can never approve or merge.</summary>
    public static bool IsAgent(string subject) => PrincipalName.IsAgent(subject);

    /// <summary>Identities compare after normalisation, so padding or look-alike characters cannot make a name someone else.</summary>
    public static bool SameIdentity(string a, string b) => PrincipalName.Same(a, b);

    /// <summary>Who may merge: a human, never an agent, whatever the approvals say.</summary>
    public static void EnsureMayMerge(string merger)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(merger);
        if (IsAgent(merger))
        {
            throw new ForgeRuleException("forge.review.no-agent-merge", $"'{merger}' is an agent identity; agents can never merge pull requests.");
        }
        if (!PrincipalName.IsWellFormedHuman(merger))
        {
            throw new ForgeRuleException("forge.review.identity", $"'{merger}' is not an identity we accept for merges (plain ASCII, no spaces).");
        }
    }

    public static void EnsureMayApprove(string reviewer, string requester, string author)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reviewer);
        if (IsAgent(reviewer))
        {
            throw new ForgeRuleException("forge.review.no-agent-approval", $"'{reviewer}' is an agent identity; agents can never approve pull requests.");
        }
        if (!PrincipalName.IsWellFormedHuman(reviewer))
        {
            throw new ForgeRuleException("forge.review.identity", $"'{reviewer}' is not an identity we accept for reviews (plain ASCII, no spaces).");
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
