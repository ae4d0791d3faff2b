namespace AgentOps.Guardrails.Injection;

/// <summary>The trained scorer's probability for a text, and the span <c>[Start, End)</c> of the window that gave it.</summary>
public readonly record struct ClassifierScore(double Probability, int Start, int End);
