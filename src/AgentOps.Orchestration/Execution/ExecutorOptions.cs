namespace AgentOps.Orchestration.Execution;

/// <summary>Which AIAgents play the planner and the step roles. Bound from <c>AgentOps:Agents</c>.</summary>
public sealed class ExecutorOptions
{
    /// <summary><value>Default: <c>planner</c>.</value></summary>
    public string Planner { get; set; } = "planner";

    /// <summary><value>Default: <c>infra-provisioner</c>.</value></summary>
    public string StepAgent { get; set; } = "infra-provisioner";
}
