namespace AgentOps.Guardrails.Policy;

/// <summary>At most <paramref name="Permits"/> tool calls in any <paramref name="Window"/>.</summary>
public sealed record RateRule(int Permits, TimeSpan Window, int Line);
