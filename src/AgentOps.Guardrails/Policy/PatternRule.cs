using System.Text.RegularExpressions;

namespace AgentOps.Guardrails.Policy;

/// <summary>A named regular expression from <c>guardrails/*.yaml</c>; the id is what a refusal names.</summary>
public sealed record PatternRule(string Id, Regex Pattern, string Description);
