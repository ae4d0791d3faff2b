using AgentOps.Core;
using AgentOps.Guardrails.Approvals;

namespace AgentOps.Guardrails.Layers;

/// <summary>
/// L3: a step marked critical, a step that affects production, and a step that changes something with arguments
/// derived from untrusted data (taint) wait for humans' <c>agentops approve</c> on this exact plan digest, until the
/// <see cref="ApprovalQuorum"/> holds: N fresh approvals by owners of the touched paths, never the requester or an
/// agent, or a two-person break-glass. Other changes are approved where they land: the pull request waits for a reviewer.
/// </summary>
public sealed class ApprovalGateLayer(IApprovalStore approvals, ApprovalPolicy policy, TimeProvider timeProvider) : IGuardrailLayer
{
    private const string LayerName = "L3.approval";
    private static readonly LayerDecision s_readOnly = new(LayerName, Verdict.Allow, "approval.read-only", "read-only call; no approval needed");
    private static readonly LayerDecision s_pullRequest = new(LayerName, Verdict.Allow, "approval.pull-request",
        "the change lands as a pull request that a human must approve before merge");

    public string Name => LayerName;

    public async ValueTask<LayerDecision> EvaluateAsync(GuardrailContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        var tainted = !context.ToolIsReadOnly && context.Taint is { IsTainted: true };
        var paths = TouchedPaths.Of(context.Step);
        // Production is decided here, whatever any other rule would allow: a change to it always waits for humans.
        var production = context.ToolIsReadOnly ? null : policy.Production.Affects(context.Step, paths);
        if (!context.Step.Critical && !tainted && production is null)
        {
            return context.ToolIsReadOnly ? s_readOnly : s_pullRequest;
        }
        var granted = await approvals.ListAsync(context.RunId, context.PlanDigest, cancellationToken).ConfigureAwait(false);
        var quorum = ApprovalQuorum.Evaluate(policy, context.Requester, context.PlanDigest, paths, production is not null, granted, timeProvider.GetUtcNow());
        if (quorum.Met)
        {
            return quorum.BreakGlass
                ? new LayerDecision(Name, Verdict.Allow, "approval.break-glass", $"{quorum.Describe()} for {context.PlanDigest}")
                : new LayerDecision(Name, Verdict.Allow, "approval.granted", $"approved by {string.Join(", ", quorum.Counted.Select(a => a.Approver))} for {context.PlanDigest}");
        }
        var next = $"run 'agentops approve {context.RunId}' to continue ({quorum.Describe()})";
        if (production is not null)
        {
            return new LayerDecision(Name, Verdict.Pause, "approval.production", $"step '{context.Step.Id}' affects production ({production}): {next}");
        }
        return context.Step.Critical
            ? new LayerDecision(Name, Verdict.Pause, "approval.critical-step", $"step '{context.Step.Id}' is critical: {next}")
            : new LayerDecision(Name, Verdict.Pause, "approval.tainted-arguments",
                $"step '{context.Step.Id}' changes something with arguments derived from untrusted data ({context.Taint!.Describe()}): {next}");
    }
}
