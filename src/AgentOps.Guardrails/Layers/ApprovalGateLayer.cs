using AgentOps.Core;

namespace AgentOps.Guardrails.Layers;

/// <summary>
/// L3: a step marked critical, and a step that changes something with arguments derived from untrusted data (taint),
/// waits for a human's <c>agentops approve</c> on this exact plan digest. Other changes are approved where they land:
/// the pull request waits for a reviewer.
/// </summary>
public sealed class ApprovalGateLayer(IApprovalStore approvals) : IGuardrailLayer
{
    public string Name => "L3.approval";

    public async ValueTask<LayerDecision> EvaluateAsync(GuardrailContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        var tainted = !context.ToolIsReadOnly && context.Taint is { IsTainted: true };
        if (!context.Step.Critical && !tainted)
        {
            return context.ToolIsReadOnly
                ? new LayerDecision(Name, Verdict.Allow, "approval.read-only", "read-only call; no approval needed")
                : new LayerDecision(Name, Verdict.Allow, "approval.pull-request", "the change lands as a pull request that a human must approve before merge");
        }
        var approval = await approvals.FindAsync(context.RunId, context.PlanDigest, cancellationToken).ConfigureAwait(false);
        if (approval is not null)
        {
            return new LayerDecision(Name, Verdict.Allow, "approval.granted", $"approved by {approval.Approver} for {context.PlanDigest}");
        }
        return context.Step.Critical
            ? new LayerDecision(Name, Verdict.Pause, "approval.critical-step", $"step '{context.Step.Id}' is critical: run 'agentops approve {context.RunId}' to continue")
            : new LayerDecision(Name, Verdict.Pause, "approval.tainted-arguments",
                $"step '{context.Step.Id}' changes something with arguments derived from untrusted data ({context.Taint!.Describe()}): run 'agentops approve {context.RunId}' to continue");
    }
}
