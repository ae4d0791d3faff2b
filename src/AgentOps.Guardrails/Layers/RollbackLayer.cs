using AgentOps.Core;

namespace AgentOps.Guardrails.Layers;

/// <summary>
/// L5: a step that changes something registers how to undo it before it runs, so a failure later in the
/// plan can walk back every step that did run.
/// </summary>
public sealed class RollbackLayer(RollbackJournal journal) : IGuardrailLayer
{
    private const string LayerName = "L5.rollback";
    private static readonly LayerDecision s_readOnly = new(LayerName, Verdict.Allow, "rollback.not-needed", "read-only call; nothing to undo");
    private static readonly LayerDecision s_insideWorkspace = new(LayerName, Verdict.Allow, "rollback.not-needed",
        "changes stay inside the branch workspace; an earlier step's compensation removes them");

    public string Name => LayerName;

    public ValueTask<LayerDecision> EvaluateAsync(GuardrailContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        var step = context.Step;
        if (step.Compensation is null)
        {
            return ValueTask.FromResult(context.ToolIsReadOnly ? s_readOnly : s_insideWorkspace);
        }
        if (!context.DryRun)
        {
            journal.Register(context.RunId, step.Id, step.Compensation);
        }
        return ValueTask.FromResult(new LayerDecision(Name, Verdict.Allow, "rollback.registered", $"compensation {step.Server}/{step.Compensation.Tool} registered before the call"));
    }
}
