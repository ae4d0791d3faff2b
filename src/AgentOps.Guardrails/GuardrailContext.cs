using System.Text.Json;
using System.Text.Json.Nodes;
using AgentOps.Core;
using AgentOps.Guardrails.Policy;

namespace AgentOps.Guardrails;

/// <summary>Everything a layer may look at when judging one tool call.</summary>
/// <param name="Arguments">The arguments as they will be sent, with step references already resolved.</param>
/// <param name="ToolInputSchema">The tool's input schema from the server's <c>tools/list</c>; null when unknown, which L1 denies.</param>
/// <param name="DryRun">When true, layers judge without side effects: no rate-limit spend, no registration, no audit.</param>
/// <param name="Taint">
/// The untrusted data the arguments derive from (tool output marked untrusted or flagged for injection, a flagged
/// request); null or empty when none. A tainted step that changes something waits for a human (L3); one built from
/// quarantined output is refused (L1).
/// </param>
/// <param name="Compensating">
/// True for a compensation (L5's undo of a step that ran): L2 does not hold it to the change calendar or the rate and
/// blast-radius budgets, since it restores what was there, and a budget the failed run spent or a freeze that began
/// meanwhile must not leave a change half applied. Allow-lists, ceilings and limits still apply.
/// </param>
public sealed record GuardrailContext(
    string RunId,
    string Requester,
    string PlanDigest,
    PlanStep Step,
    JsonObject Arguments,
    AgentSpec Agent,
    JsonElement? ToolInputSchema,
    bool ToolIsReadOnly,
    IReadOnlyList<string> DelegationChain,
    bool DryRun = false,
    ArgumentTaint? Taint = null,
    bool Compensating = false);
