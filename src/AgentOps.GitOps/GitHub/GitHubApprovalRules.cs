using AgentOps.Core;

namespace AgentOps.GitOps.GitHub;

/// <summary>
/// The local forge's review rules, applied to GitHub reviews: a pull request may be merged only when a human other
/// than its author and its requester approved the head commit, and nobody's latest review asks for changes.
/// </summary>
public static class GitHubApprovalRules
{
    /// <summary>Returns the logins whose approval counts; throws a <see cref="ForgeRuleException"/> naming the rule otherwise.</summary>
    public static IReadOnlyList<string> EnsureApprovedAtHead(IReadOnlyList<GitHubReview> reviews, long number, string headSha, string author, string requester)
    {
        ArgumentNullException.ThrowIfNull(reviews);
        ArgumentException.ThrowIfNullOrEmpty(headSha);
        // As on GitHub, a reviewer's latest approve / request-changes / dismissal is their verdict; comments are not.
        var verdicts = reviews
            .Select((review, index) => (review, index))
            .Where(r => r.review.State is "APPROVED" or "CHANGES_REQUESTED" or "DISMISSED")
            .GroupBy(r => PrincipalName.Normalize(r.review.Login), StringComparer.Ordinal)
            .Select(g => g.OrderBy(r => r.review.SubmittedAt).ThenBy(r => r.index).Last().review)
            .ToArray();

        if (verdicts.FirstOrDefault(v => v.State == "CHANGES_REQUESTED") is { } blocking)
        {
            throw new ForgeRuleException("forge.review.changes-requested", $"Pull request #{number}: {blocking.Login} requested changes; that review must be resolved first.");
        }
        var approvals = verdicts.Where(v => v.State == "APPROVED" && Counts(v, author, requester)).ToArray();
        if (approvals.Length == 0)
        {
            throw new ForgeRuleException("forge.review.approval-required",
                $"Pull request #{number} has no approval from a human reviewer other than its author and requester; approvals by agents, bots or the requester do not count.");
        }
        var atHead = approvals.Where(a => string.Equals(a.CommitId, headSha, StringComparison.OrdinalIgnoreCase)).Select(a => a.Login).ToArray();
        if (atHead.Length == 0)
        {
            throw new ForgeRuleException("forge.review.stale-approval", $"Pull request #{number} changed after it was approved (now at {headSha[..Math.Min(12, headSha.Length)]}); it needs a new approval.");
        }
        return atHead;
    }

    private static bool Counts(GitHubReview review, string author, string requester) =>
        !review.IsBot &&
        !review.Login.EndsWith("[bot]", StringComparison.OrdinalIgnoreCase) &&
        PrincipalName.IsWellFormedHuman(review.Login) &&
        !ReviewerRules.SameIdentity(review.Login, author) &&
        !IsRequester(review.Login, requester);

    // Requesters are named by e-mail address; GitHub logins are not. "alice" and "alice@example.com" are taken to be
    // the same person: refusing a stranger who shares a local part costs a second review, the other way round costs
    // four eyes.
    private static bool IsRequester(string login, string requester)
    {
        if (string.IsNullOrWhiteSpace(requester))
        {
            return false;
        }
        var normalized = PrincipalName.Normalize(requester);
        var at = normalized.IndexOf('@', StringComparison.Ordinal);
        return ReviewerRules.SameIdentity(login, normalized) || (at > 0 && ReviewerRules.SameIdentity(login, normalized[..at]));
    }
}
