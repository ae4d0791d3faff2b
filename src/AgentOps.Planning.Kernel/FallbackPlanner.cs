using AgentOps.Core;

namespace AgentOps.Planning.Kernel;

/// <summary>
/// The planner the product uses: the LLM planner when a model is configured and answers, otherwise the runbook
/// planner, which always works offline. Every fallback says so, to the requester and (through the outcome's notices)
/// in the audit log.
/// </summary>
public sealed class FallbackPlanner(IPlanner? model, IPlanner runbook) : IPlanner
{
    public string Name => model is null ? runbook.Name : $"{model.Name}, falling back to {runbook.Name}";

    public async Task<PlanningOutcome> PlanAsync(Goal goal, CancellationToken cancellationToken = default)
    {
        if (model is null)
        {
            var offline = await runbook.PlanAsync(goal, cancellationToken).ConfigureAwait(false);
            return offline with
            {
                Planner = runbook.Name,
                Notices = [.. offline.Notices, "No model is configured (AgentOps:Llm:Endpoint), so the offline runbook planner planned this."],
            };
        }
        try
        {
            return await model.PlanAsync(goal, cancellationToken).ConfigureAwait(false);
        }
        catch (ModelUnavailableException ex)
        {
            var fallback = await runbook.PlanAsync(goal, cancellationToken).ConfigureAwait(false);
            return fallback with
            {
                Planner = runbook.Name,
                Usage = ex.Usage,
                Notices = [.. fallback.Notices, $"The model planner could not plan this ({ex.Message}), so the offline runbook planner did."],
            };
        }
    }
}
