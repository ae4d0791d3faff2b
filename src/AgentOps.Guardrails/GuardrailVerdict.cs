using AgentOps.Core;

namespace AgentOps.Guardrails;

/// <summary>The pipeline's answer for one call: every layer's decision, the overall verdict, and the audit record that holds them.</summary>
public sealed record GuardrailVerdict(IReadOnlyList<LayerDecision> Decisions, long? AuditSequence)
{
    public Verdict Verdict => Decisions.FirstOrDefault(d => d.Verdict != Verdict.Allow)?.Verdict ?? Verdict.Allow;

    public LayerDecision? Blocking => Decisions.FirstOrDefault(d => d.Verdict != Verdict.Allow);
}
