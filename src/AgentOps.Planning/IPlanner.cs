using AgentOps.Core;

namespace AgentOps.Planning;

/// <summary>Turns a goal into a plan, a question back, or a refusal.</summary>
public interface IPlanner
{
    /// <summary>A short name for logs and the CLI, e.g. "runbook".</summary>
    string Name { get; }

    Task<PlanningOutcome> PlanAsync(Goal goal, CancellationToken cancellationToken = default);
}
