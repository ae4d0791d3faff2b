using AgentOps.Core;

namespace AgentOps.Orchestration.Investigation;

/// <summary>How an investigation ended.</summary>
public enum InvestigationOutcome
{
    /// <summary>The model gave its answer within every budget.</summary>
    Answered,

    /// <summary>A budget ran out; <see cref="InvestigationReport.StopReason"/> names it. There is no answer.</summary>
    Stopped,

    /// <summary>The model endpoint (or the audit log) failed; nothing was changed, the calls made so far are audited.</summary>
    Failed,

    /// <summary>The investigation was not started: the question was blocked as an injection, or no goal token could be issued.</summary>
    Refused,
}

/// <summary>One tool call the model asked for, and what became of it.</summary>
/// <param name="Outcome"><c>succeeded</c>, <c>failed</c> (the tool answered with an error), <c>refused</c> or <c>stopped</c> (a budget ran out first).</param>
/// <param name="Scope">The exact scope the call needed, when it could be decided.</param>
/// <param name="Reason">For a refusal: what the model was told.</param>
public sealed record InvestigatedCall(string Server, string Tool, string Arguments, string? Scope, string Outcome, string? Reason = null);

/// <summary>The result of one investigation: the answer (or why there is none), every call, and what the model cost.</summary>
public sealed record InvestigationReport(
    string Id,
    string Question,
    InvestigationOutcome Outcome,
    string? Answer,
    string? StopReason,
    IReadOnlyList<InvestigatedCall> Calls,
    ModelUsage Usage)
{
    public IReadOnlyList<InvestigatedCall> Refusals => Calls.Where(c => c.Outcome == "refused").ToArray();
}
