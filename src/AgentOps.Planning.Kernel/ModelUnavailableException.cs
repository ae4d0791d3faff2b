namespace AgentOps.Planning.Kernel;

/// <summary>
/// The model could not plan: the endpoint failed after retries, its circuit is open, or its answer stayed unusable
/// after a repair. Nothing was executed; the caller falls back to the runbook planner. The message never holds the key.
/// </summary>
public sealed class ModelUnavailableException(string message, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>What the model had used before it failed, so a failed attempt is still accounted for.</summary>
    public AgentOps.Core.ModelUsage? Usage { get; init; }
}
