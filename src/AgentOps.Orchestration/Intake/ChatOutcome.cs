using AgentOps.Core;
using AgentOps.Orchestration.Execution;

namespace AgentOps.Orchestration.Intake;

public enum ChatStatus
{
    /// <summary>Dry run: planned and judged, nothing executed.</summary>
    Previewed,
    PullRequestOpened,
    Completed,
    AwaitingApproval,
    NeedsInput,
    Refused,
    Duplicate,
    Failed,
    RolledBack,
}

/// <summary>Everything the requester is told about one chat request, for people and for <c>--json</c>.</summary>
public sealed record ChatOutcome(
    ChatStatus Status,
    string Message,
    string? RunId,
    Plan? Plan,
    string? PlanDigest,
    IReadOnlyDictionary<string, string> Parameters,
    IReadOnlyList<string> Missing,
    string? Rule,
    IReadOnlyList<StepDecision> Decisions,
    string? PullRequest,
    string? Repository,
    string? ConnectionSecret)
{
    /// <summary>How it was planned, when the requester should know: a fallback to the runbook planner, for instance.</summary>
    public IReadOnlyList<string> Notices { get; init; } = [];

    /// <summary>The model's tokens and estimated cost for planning this request; null when no model was asked.</summary>
    public ModelUsage? Usage { get; init; }
}
