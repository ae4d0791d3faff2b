namespace AgentOps.Guardrails.Approvals;

/// <summary>
/// L3 as data, from <c>guardrails/approvals.yaml</c>: how many humans approve (N of M), how long an approval holds,
/// what counts as production, how many approvers break the glass, and who owns which paths (CODEOWNERS).
/// </summary>
/// <param name="RequiredApprovals">N: distinct eligible humans whose fresh approvals a gated step needs.</param>
/// <param name="ExpiresAfter">An approval older than this no longer counts.</param>
/// <param name="Production">Which steps affect production; those always wait for approval.</param>
/// <param name="BreakGlassApprovers">Distinct humans who must each break the glass; never fewer than two.</param>
/// <param name="Owners">Who may approve changes to which paths.</param>
public sealed record ApprovalPolicy(
    int RequiredApprovals,
    TimeSpan ExpiresAfter,
    ProductionRule Production,
    int BreakGlassApprovers,
    CodeOwners Owners)
{
    /// <summary>The file name under <c>guardrails/</c>.</summary>
    public const string FileName = "approvals.yaml";

    /// <summary>One approval, valid for 24 hours, nothing counted as production, two to break the glass, no owners.</summary>
    public static ApprovalPolicy Default { get; } = new(1, TimeSpan.FromHours(24), ProductionRule.None, 2, CodeOwners.Empty);

    /// <summary>N for a change: production steps need at least <see cref="ProductionRule.RequiredApprovals"/>.</summary>
    public int RequiredFor(bool production) => production ? Math.Max(RequiredApprovals, Production.RequiredApprovals) : RequiredApprovals;

    /// <summary>
    /// Reads <c>approvals.yaml</c> from <paramref name="guardrailsDirectory"/>; without that file, <see cref="Default"/>.
    /// A malformed file is an error naming file, line and field: nothing runs under a half-loaded policy.
    /// </summary>
    public static ApprovalPolicy Load(string guardrailsDirectory) => ApprovalPolicyLoader.Load(guardrailsDirectory);
}
