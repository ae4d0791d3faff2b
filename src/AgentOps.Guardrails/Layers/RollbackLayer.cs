using AgentOps.Core;

namespace AgentOps.Guardrails.Layers;

/// <summary>
/// L5: a step that changes something registers how to undo it before it runs, so a failure later in the
/// plan can walk back every step that did run.
/// </summary>
public sealed class RollbackLayer(RollbackJournal journal) : IGuardrailLayer
{
    public string Name => "L5.rollback";

    public ValueTask<LayerDecision> EvaluateAsync(GuardrailContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        var step = context.Step;
        if (step.Compensation is null)
        {
            var reason = context.ToolIsReadOnly
                ? "read-only call; nothing to undo"
                : "changes stay inside the branch workspace; an earlier step's compensation removes them";
            return ValueTask.FromResult(new LayerDecision(Name, Verdict.Allow, "rollback.not-needed", reason));
        }
        if (!context.DryRun)
        {
            journal.Register(context.RunId, step.Id, step.Compensation);
        }
        return ValueTask.FromResult(new LayerDecision(Name, Verdict.Allow, "rollback.registered", $"compensation {step.Server}/{step.Compensation.Tool} registered before the call"));
    }
}
