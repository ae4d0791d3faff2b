using AgentOps.Core;
using AgentOps.Guardrails.Layers;

namespace AgentOps.Guardrails;

/// <summary>
/// Every tool call passes here: L1 input ▸ L2 scope ▸ L3 approval ▸ L5 rollback registration, then L4 writes
/// all of it to the audit log. The first layer that does not allow stops the rest; L4 always records.
/// </summary>
public sealed class GuardrailPipeline(
    InputValidationLayer input,
    ActionScopeLayer scope,
    ApprovalGateLayer approval,
    RollbackLayer rollback,
    AuditLayer audit)
{
    private readonly IGuardrailLayer[] _layers = [input, scope, approval, rollback];

    /// <summary>L1's text screen: the same policy screens requests, arguments and tool output.</summary>
    public TextScreen Screen => input.Screen;

    public async Task<GuardrailVerdict> EvaluateAsync(GuardrailContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        var decisions = new List<LayerDecision>(_layers.Length + 1);
        foreach (var layer in _layers)
        {
            var decision = await layer.EvaluateAsync(context, cancellationToken).ConfigureAwait(false);
            decisions.Add(decision);
            if (decision.Verdict != Verdict.Allow)
            {
                break;
            }
        }
        if (context.DryRun)
        {
            return new GuardrailVerdict(decisions, null);
        }
        var (recorded, sequence) = await audit.RecordAsync(context, decisions, cancellationToken).ConfigureAwait(false);
        decisions.Add(recorded);
        return new GuardrailVerdict(decisions, sequence);
    }
}
