using AgentOps.Core;

namespace AgentOps.Guardrails;

/// <summary>One layer of the guardrail pipeline. Each layer is small and judges one concern.</summary>
public interface IGuardrailLayer
{
    /// <summary>Stable layer name, e.g. <c>L1.input</c>; it appears in audit records and pull-request descriptions.</summary>
    string Name { get; }

    ValueTask<LayerDecision> EvaluateAsync(GuardrailContext context, CancellationToken cancellationToken = default);
}
