namespace AgentOps.Guardrails.Policy;

/// <summary>One request of a <c>policy test</c> run and what L2 decided about it.</summary>
public sealed record PolicyTestResult(ActionRequest Request, DateTimeOffset Time, PolicyDecision Decision);
