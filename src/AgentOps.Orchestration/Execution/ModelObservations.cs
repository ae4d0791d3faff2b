using System.Text;
using AgentOps.Guardrails.Injection;

namespace AgentOps.Orchestration.Execution;

/// <summary>
/// The one way a run's tool results are turned into text for a language model (a re-planning or summarising LLM
/// step): each result is rendered with <see cref="Spotlighter"/>, so untrusted parts arrive delimited and datamarked,
/// and whole results that are untrusted (flagged for injection, marked untrusted without wrappers, or derived from
/// untrusted data) are spotlighted whole. The rendering starts with <see cref="Spotlighter.Instructions"/>.
/// </summary>
public sealed class ModelObservations(Spotlighter spotlighter)
{
    public string Render(RunState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var text = new StringBuilder().AppendLine(Spotlighter.Instructions).AppendLine();
        foreach (var (stepId, result) in state.Results.OrderBy(r => r.Key, StringComparer.Ordinal))
        {
            var whole = state.Taint.TryGetValue(stepId, out var taint) && taint.WholeResult;
            text.AppendLine($"Result of step {stepId}:").AppendLine(spotlighter.Render("step " + stepId, result, whole)).AppendLine();
        }
        return text.ToString();
    }
}
