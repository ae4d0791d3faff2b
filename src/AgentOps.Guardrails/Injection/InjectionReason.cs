namespace AgentOps.Guardrails.Injection;

/// <summary>One pattern that matched: its id (refusals name it as <c>injection.&lt;id&gt;</c>), what it means, its weight on the channel, and an excerpt of the match.</summary>
public sealed record InjectionReason(string Id, string Description, double Weight, string Excerpt);
