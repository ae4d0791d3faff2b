namespace AgentOps.Core;

/// <summary>
/// The durable state of one run: enough to show it, and to resume it after a crash, an approval or a restart.
/// <see cref="PlanJson"/> and <see cref="StepResultsJson"/> are owned by the orchestrator; the store keeps them opaque.
/// </summary>
public sealed record RunRecord(
    string Id,
    string Requester,
    string Channel,
    string GoalText,
    RunStatus Status,
    string? Skill,
    string? PlanJson,
    string? PlanDigest,
    int NextStep,
    string StepResultsJson,
    string? DedupKey,
    string? PullRequestId,
    string? Message,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

public enum RunStatus
{
    Planned,
    Running,
    /// <summary>Stopped before a critical step until a human runs <c>agentops approve</c>.</summary>
    AwaitingApproval,
    /// <summary>The pull request is open and waits for review.</summary>
    AwaitingReview,
    Completed,
    Refused,
    NeedsInput,
    Failed,
    /// <summary>Failed part-way; the compensations of the steps that had run were executed.</summary>
    RolledBack,
}
