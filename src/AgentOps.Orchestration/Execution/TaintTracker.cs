using System.Text.Json.Nodes;
using AgentOps.Guardrails;
using AgentOps.Guardrails.Injection;
using AgentOps.Orchestration.Tools;

namespace AgentOps.Orchestration.Execution;

/// <summary>
/// Taint tracking across a run. Every tool result is screened for injection (the <c>tool_output</c> channel) and its
/// trust marks are read: <c>_meta["io.agentops/trust"] = "untrusted"</c> on the result, or <c>{"trust":"untrusted",…}</c>
/// wrappers inside it. A step whose argument template refers (<c>${steps.&lt;id&gt;…}</c>) to an untrusted part of an
/// earlier result is tainted, and so is its own result; a flagged request taints every step. The guardrails then decide:
/// a tainted step that changes something waits for approval (L3), one built from blocked output is refused (L1).
/// </summary>
public sealed class TaintTracker(TextScreen screen)
{
    /// <summary>The key under which a flagged request is remembered in <see cref="RunState.Taint"/>.</summary>
    public const string RequestKey = "@request";

    /// <summary>Screens a tool's result and reads its trust marks.</summary>
    public StepTaint Inspect(ToolCallOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        var scan = screen.Scan(outcome.Text ?? string.Empty, ScanChannel.ToolOutput);
        // The structured result is screened as its strings, unescaped and one per line, not as JSON text: in JSON a log
        // line break is a backslash and an 'n', which hides the word boundary the patterns look for, so an attack on
        // the line after an ordinary log line ("…ms\nignore previous instructions") would go unseen.
        if (outcome.Structured is { } structured && string.Join('\n', Strings(structured)) is var strings && strings != outcome.Text
            && screen.Scan(strings, ScanChannel.ToolOutput) is var structuredScan && structuredScan.Score > scan.Score)
        {
            scan = structuredScan;
        }
        var wrapped = HoldsUntrustedText(outcome.Structured);
        var flagged = scan.Verdict != ScanVerdict.Allow;
        var untrusted = outcome.Untrusted || wrapped || flagged;
        var why = flagged
            ? $"injection {scan.Describe()}"
            : wrapped ? "holds text marked untrusted" : outcome.Untrusted ? "marked untrusted by its server" : "trusted";
        return new StepTaint(untrusted, flagged || (outcome.Untrusted && !wrapped), scan.Verdict.ToString().ToLowerInvariant(), scan.Score,
            scan.Reasons.Select(r => r.Id).ToArray(), why);
    }

    /// <summary>The untrusted sources the arguments of <paramref name="template"/> are built from, given what ran so far.</summary>
    public static ArgumentTaint Trace(JsonObject template, RunState state)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(state);
        var sources = new List<TaintSource>();
        if (state.Taint.TryGetValue(RequestKey, out var request) && request.Untrusted)
        {
            sources.Add(new TaintSource("request", request.Why, request.Quarantined));
        }
        foreach (var reference in ArgumentResolver.References(template).Distinct(StringComparer.Ordinal))
        {
            var parts = reference.Split('.');
            if (parts is not ["steps", var stepId, ..] || !state.Taint.TryGetValue(stepId, out var taint) || !taint.Untrusted)
            {
                continue;
            }
            state.Results.TryGetValue(stepId, out var result);
            if (taint.WholeResult || ReachesUntrustedText(result, parts.Skip(2)))
            {
                sources.Add(new TaintSource("steps." + stepId, taint.Why, taint.Quarantined));
            }
        }
        return sources.Count == 0 ? ArgumentTaint.None : new ArgumentTaint(sources.DistinctBy(s => s.Name).ToArray());
    }

    /// <summary>
    /// What a step's result is remembered as: its own inspection, made whole-result tainted when the step was built
    /// from untrusted data (what it produced derives from that data).
    /// </summary>
    public static StepTaint Combine(StepTaint own, ArgumentTaint inputs)
    {
        ArgumentNullException.ThrowIfNull(own);
        ArgumentNullException.ThrowIfNull(inputs);
        return inputs.IsTainted && !own.WholeResult
            ? own with { Untrusted = true, WholeResult = true, Why = $"derived from {string.Join(", ", inputs.Sources.Select(s => s.Name))}" }
            : own;
    }

    // A reference is untrusted when its path passes through a wrapper, or what it points at holds one.
    private static bool ReachesUntrustedText(JsonNode? node, IEnumerable<string> path)
    {
        foreach (var field in path)
        {
            if (IsWrapper(node))
            {
                return true;
            }
            node = node is JsonObject obj && obj.TryGetPropertyValue(field, out var next) ? next : null;
        }
        return HoldsUntrustedText(node);
    }

    // Keys too: a server that echoes a map keyed by outside text (labels, annotations) carries that text in its keys.
    private static IEnumerable<string> Strings(JsonNode? node) => node switch
    {
        JsonObject obj => obj.SelectMany(p => Strings(p.Value).Prepend(p.Key)),
        JsonArray array => array.SelectMany(Strings),
        JsonValue value when value.TryGetValue<string>(out var text) => [text],
        _ => [],
    };

    private static bool HoldsUntrustedText(JsonNode? node) => node switch
    {
        JsonObject obj => IsWrapper(obj) || obj.Any(p => HoldsUntrustedText(p.Value)),
        JsonArray array => array.Any(HoldsUntrustedText),
        _ => false,
    };

    private static bool IsWrapper(JsonNode? node) =>
        node is JsonObject obj && obj["trust"] is JsonValue trust && trust.TryGetValue<string>(out var marker) && marker == UntrustedOutputScreen.UntrustedMarker;
}
