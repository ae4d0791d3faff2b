using AgentOps.Core;
using AgentOps.Guardrails.Policy;

namespace AgentOps.Guardrails.Layers;

/// <summary>
/// L2: the agent may call this tool (its AIAgent allow-list and the policy's), the step's scope lies within the
/// agent's RBAC ceiling and the verbs the policy grants, the step stays within the resource limits, the namespaces,
/// the change windows and freezes, and the agent and its tenant within their rate and blast-radius budgets.
/// Every check is <see cref="ActionPolicyEvaluator"/>'s, the same one <c>agentops policy test</c> runs.
/// </summary>
public sealed class ActionScopeLayer(ActionPolicyEvaluator evaluator) : IGuardrailLayer
{
    /// <summary>
    /// The AIAgent spec and resource limits alone, with no <c>scope.yaml</c> rules, for harnesses: the per-minute
    /// budgets are kept in <paramref name="rateLimiter"/>, in this process only.
    /// </summary>
    public ActionScopeLayer(ResourceLimits limits, AgentRateLimiter rateLimiter)
        : this(new ActionPolicyEvaluator(ActionPolicy.Empty, limits, rateLimiter,
            new BlastRadiusLedger(), (rateLimiter ?? throw new ArgumentNullException(nameof(rateLimiter))).TimeProvider))
    {
    }

    public string Name => "L2.scope";

    public ActionPolicyEvaluator Evaluator => evaluator;

    public ValueTask<LayerDecision> EvaluateAsync(GuardrailContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        var decision = evaluator.Evaluate(ActionRequest.FromContext(context), context.Agent, spend: !context.DryRun);
        // The evaluator hands back the same allowed decision for the same tool and scope; its layer decision (and the
        // explanation string it carries) is then the same too, and is not built again on every call.
        if (_last is { } last && ReferenceEquals(last.Policy, decision))
        {
            return ValueTask.FromResult(last.Layer);
        }
        var layerDecision = new LayerDecision(Name, decision.Verdict, decision.Rule, decision.Explanation);
        _last = new LastDecision(decision, layerDecision);
        return ValueTask.FromResult(layerDecision);
    }

    private volatile LastDecision? _last;

    private sealed record LastDecision(PolicyDecision Policy, LayerDecision Layer);
}
