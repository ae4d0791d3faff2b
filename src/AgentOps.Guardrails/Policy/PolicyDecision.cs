using AgentOps.Core;

namespace AgentOps.Guardrails.Policy;

/// <summary>What L2 decided about one request, and the rule that decided it: its id and where it is written.</summary>
/// <param name="Source">The rule's file and line (<c>guardrails/scope.yaml:23</c>), or the AIAgent spec or limits file.</param>
public sealed record PolicyDecision(Verdict Verdict, string Rule, string Source, string Reason)
{
    /// <summary>The reason with its source, as the audit record and the step's refusal show it.</summary>
    public string Explanation => $"{Reason} (rule {Rule}, {Source})";
}
