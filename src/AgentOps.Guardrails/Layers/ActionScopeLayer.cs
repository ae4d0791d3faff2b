using System.Text;
using System.Text.Json.Nodes;
using AgentOps.Core;
using AgentOps.Guardrails.Policy;

namespace AgentOps.Guardrails.Layers;

/// <summary>
/// L2: the agent may call this tool on this server (its AIAgent allow-list), the step's scope lies within the
/// agent's RBAC ceiling, the step stays within resource limits, and the agent is within its rate limit.
/// </summary>
public sealed class ActionScopeLayer(ResourceLimits limits, AgentRateLimiter rateLimiter) : IGuardrailLayer
{
    public string Name => "L2.scope";

    public ValueTask<LayerDecision> EvaluateAsync(GuardrailContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        var step = context.Step;
        if (!context.Agent.MayCall(step.Server, step.Tool))
        {
            return Decide(Verdict.Deny, "scope.allow-list", $"agent '{context.Agent.Name}' is not allowed to call {step.Server}/{step.Tool}");
        }
        if (!Scope.TryParse(step.Scope, out var scope))
        {
            return Decide(Verdict.Deny, "scope.malformed", $"'{step.Scope}' is not a scope");
        }
        if (!context.Agent.RbacScope.Covers(scope))
        {
            return Decide(Verdict.Deny, "scope.agent-ceiling", $"'{scope}' is outside agent '{context.Agent.Name}' ceiling ({context.Agent.RbacScope})");
        }
        if (context.Arguments["files"] is JsonArray files)
        {
            if (files.Count > limits.MaxFilesPerWrite)
            {
                return Decide(Verdict.Deny, "limits.files-per-write", $"{files.Count} files exceed the limit of {limits.MaxFilesPerWrite}");
            }
            // The shape is the tool's business (L1 checks it against the schema), but this layer must never throw on it.
            if (files.Any(f => f is not JsonObject { } file || file["content"] is not JsonValue content || !content.TryGetValue<string>(out _)))
            {
                return Decide(Verdict.Deny, "limits.files-shape", "every entry of 'files' must be an object with string content");
            }
            var largest = files.Select(f => Encoding.UTF8.GetByteCount(f!["content"]!.GetValue<string>())).DefaultIfEmpty(0).Max();
            if (largest > limits.MaxFileBytes)
            {
                return Decide(Verdict.Deny, "limits.file-bytes", $"a file of {largest} bytes exceeds the limit of {limits.MaxFileBytes}");
            }
        }
        var allowed = context.DryRun ? rateLimiter.WouldAllow(context.Agent) : rateLimiter.TryAcquire(context.Agent);
        if (!allowed)
        {
            return Decide(Verdict.Deny, "limits.rate", $"agent '{context.Agent.Name}' exceeded {context.Agent.ToolCallsPerMinute} tool calls per minute");
        }
        return Decide(Verdict.Allow, "scope.within", $"{step.Server}/{step.Tool} is on the allow-list; '{scope}' is within the agent's ceiling and limits");
    }

    private ValueTask<LayerDecision> Decide(Verdict verdict, string rule, string reason) => ValueTask.FromResult(new LayerDecision(Name, verdict, rule, reason));
}
