namespace AgentOps.Guardrails.Injection;

/// <summary>One labelled text the scorer is trained on: an attack (direct or buried) or benign DevOps text.</summary>
/// <param name="Split">The corpus round it was written in; cross-validation holds one split out at a time.</param>
public sealed record InjectionTrainingItem(string Id, bool IsAttack, string Text, string Split);
