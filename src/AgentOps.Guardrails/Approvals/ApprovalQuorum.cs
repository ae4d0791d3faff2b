using AgentOps.Core;

namespace AgentOps.Guardrails.Approvals;

/// <summary>
/// Whether the approvals of one plan digest suffice, decided the same way when a human approves and when the gate
/// lets a step through. An approval counts when it is of this digest, younger than the expiry, and by a human who is
/// neither the requester nor an agent. The quorum holds with N distinct such approvers who, between them, own every
/// owned path the change touches, or with the break-glass number of distinct break-glass approvers.
/// </summary>
public static class ApprovalQuorum
{
    /// <summary>Null when <paramref name="approver"/> may approve a change requested by <paramref name="requester"/>; otherwise the refusal.</summary>
    /// <param name="touchedPaths">Ownership is checked against these; null skips it (break-glass bypasses ownership).</param>
    public static ApprovalRefusal? Refusal(ApprovalPolicy policy, string requester, string approver, IReadOnlyCollection<string>? touchedPaths)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(approver);
        if (PrincipalName.IsAgent(approver) || !PrincipalName.IsWellFormedHuman(approver))
        {
            return new ApprovalRefusal("approval.no-agent", $"'{approver}' is an agent identity (or not a plain human name); only humans approve.");
        }
        if (PrincipalName.Same(approver, requester))
        {
            return new ApprovalRefusal("approval.no-self-approval", $"'{approver}' requested this change and cannot approve it.");
        }
        if (touchedPaths is not null)
        {
            var owned = touchedPaths.Where(policy.Owners.HasOwners).ToArray();
            if (owned.Length > 0 && !owned.Any(p => policy.Owners.Owns(approver, p)))
            {
                var first = owned[0];
                var match = policy.Owners.Match(first)!;
                return new ApprovalRefusal("approval.not-owner",
                    $"'{approver}' owns none of the paths this change touches ({string.Join(", ", owned)}); '{first}' is owned by {string.Join(" ", match.Owners)} (CODEOWNERS line {match.Line}, '{match.Pattern}').");
            }
        }
        return null;
    }

    public static QuorumResult Evaluate(
        ApprovalPolicy policy, string requester, string planDigest, IReadOnlyCollection<string> touchedPaths, bool production,
        IEnumerable<RunApproval> approvals, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(touchedPaths);
        ArgumentNullException.ThrowIfNull(approvals);
        var ofDigest = approvals.Where(a => a.PlanDigest == planDigest).ToArray();
        var expired = ofDigest.Where(a => now - a.ApprovedAt > policy.ExpiresAfter).Select(a => a.Approver).ToArray();
        var fresh = ofDigest.Where(a => now - a.ApprovedAt <= policy.ExpiresAfter && Refusal(policy, requester, a.Approver, null) is null).ToArray();

        var breakGlass = Distinct(fresh.Where(a => a.BreakGlass && !string.IsNullOrWhiteSpace(a.Reason)));
        var required = policy.RequiredFor(production);
        if (breakGlass.Count >= policy.BreakGlassApprovers)
        {
            return new QuorumResult(true, true, breakGlass, required, [], expired);
        }
        var normal = Distinct(fresh.Where(a => !a.BreakGlass));
        var uncovered = touchedPaths.Where(p => policy.Owners.HasOwners(p) && !normal.Any(a => policy.Owners.Owns(a.Approver, p))).ToArray();
        return new QuorumResult(normal.Count >= required && uncovered.Length == 0, false, normal, required, uncovered, expired);
    }

    private static List<RunApproval> Distinct(IEnumerable<RunApproval> approvals) =>
        approvals.GroupBy(a => PrincipalName.Normalize(a.Approver), StringComparer.Ordinal).Select(g => g.First()).ToList();
}

public sealed record ApprovalRefusal(string Rule, string Reason);

/// <param name="Met">The change may proceed.</param>
/// <param name="BreakGlass">It proceeds because enough humans broke the glass.</param>
/// <param name="Counted">The approvals that count, one per approver.</param>
/// <param name="Required">N for this change.</param>
/// <param name="UncoveredPaths">Owned paths that no counted approver owns.</param>
/// <param name="Expired">Approvers whose approval of this digest expired.</param>
public sealed record QuorumResult(
    bool Met, bool BreakGlass, IReadOnlyList<RunApproval> Counted, int Required, IReadOnlyList<string> UncoveredPaths, IReadOnlyList<string> Expired)
{
    public string Describe()
    {
        if (BreakGlass)
        {
            return $"BREAK-GLASS by {string.Join(" and ", Counted.Select(a => a.Approver))}: {string.Join(" / ", Counted.Select(a => a.Reason).Distinct(StringComparer.Ordinal))}";
        }
        var text = $"{Counted.Count} of {Required} approval(s)" + (Counted.Count > 0 ? $" ({string.Join(", ", Counted.Select(a => a.Approver))})" : string.Empty);
        if (UncoveredPaths.Count > 0)
        {
            text += $"; no owner has approved {string.Join(", ", UncoveredPaths)}";
        }
        if (Expired.Count > 0)
        {
            text += $"; expired: {string.Join(", ", Expired)}";
        }
        return text;
    }
}
