using System.Globalization;
using AgentOps.Core;

namespace AgentOps.Guardrails.Policy;

/// <summary>
/// The one L2 decision procedure. <see cref="Layers.ActionScopeLayer"/> calls it for every live tool call, and
/// <c>agentops policy test</c> calls it for a request file, so what the command says is what a run does.
/// Rules are checked in a fixed order and the first that does not allow decides; its id and source are in the
/// decision. Budgets (rate limits, blast radius) are kept by an <see cref="IGuardrailBudgetStore"/>, which checks them
/// all and spends them all, or none, in one step; they are spent only when <c>spend</c> is true and the call is
/// allowed. The CLI's store is the SQLite database, so every process on one data directory spends from the same budgets.
/// </summary>
public sealed class ActionPolicyEvaluator(ActionPolicy policy, ResourceLimits limits, IGuardrailBudgetStore store, TimeProvider timeProvider)
{
    private const string AllowedRule = "scope.within";

    /// <summary>Budgets kept in this process alone (<see cref="InMemoryGuardrailBudgets"/>).</summary>
    public ActionPolicyEvaluator(ActionPolicy policy, ResourceLimits limits, TimeProvider timeProvider)
        : this(policy, limits, new InMemoryGuardrailBudgets(timeProvider), timeProvider)
    {
    }

    /// <summary>Budgets kept in this process: the windowed ones in <paramref name="rates"/>, runs' totals in <paramref name="blastRadius"/>.</summary>
    public ActionPolicyEvaluator(ActionPolicy policy, ResourceLimits limits, AgentRateLimiter rates, BlastRadiusLedger blastRadius, TimeProvider timeProvider)
        : this(policy, limits, new InMemoryGuardrailBudgets(rates, blastRadius), timeProvider)
    {
    }

    public ActionPolicy Policy => policy;

    public ResourceLimits Limits => limits;

    /// <param name="agent">The caller's AIAgent spec; null when the catalogue has no such agent (denied).</param>
    /// <param name="spend">True for a real call: an allowed call spends its rate and blast-radius budgets.</param>
    public PolicyDecision Evaluate(ActionRequest request, AgentSpec? agent, bool spend)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (agent is null)
        {
            return Deny("scope.unknown-agent", "agents/", $"no AIAgent named '{request.Agent}' in the agent catalogue");
        }
        var spec = $"AIAgent {agent.Name}";
        if (!agent.MayCall(request.Server, request.Tool))
        {
            return Deny("scope.allow-list", spec, $"agent '{agent.Name}' is not allowed to call {request.Server}/{request.Tool}");
        }
        var rule = policy.Agents.GetValueOrDefault(agent.Name);
        if (rule is not null && !rule.AllowsTool(request.Server, request.Tool))
        {
            return Deny("policy.agent-tools", policy.Source(rule.Line), $"the policy does not let agent '{agent.Name}' use {request.Server}/{request.Tool} (its tools: {string.Join(", ", rule.Tools)})");
        }
        if (!Scope.TryParse(request.Scope, out var scope))
        {
            return Deny("scope.malformed", spec, $"'{request.Scope}' is not a scope");
        }
        if (!agent.RbacScope.Covers(scope))
        {
            return Deny("scope.agent-ceiling", spec, $"'{scope}' is outside agent '{agent.Name}' ceiling ({agent.RbacScope})");
        }
        if (rule is not null && !rule.AllowsVerb(scope.Server, scope.Verb))
        {
            return Deny("policy.agent-verbs", policy.Source(rule.Line), $"the policy does not let agent '{agent.Name}' use verb {scope.Server}:{scope.Verb} (its verbs: {string.Join(", ", rule.Verbs!)})");
        }
        return CheckFiles(request)
            ?? CheckNamespace(request)
            ?? CheckResources(request)
            ?? (request.Compensating ? null : CheckTime(request))
            ?? (request.Compensating ? null : CheckBudgets(request, agent, spend))
            ?? new PolicyDecision(Verdict.Allow, AllowedRule, policy.File, request.Compensating
                ? $"{request.Server}/{request.Tool} is on the allow-list; '{scope}' is within the agent's ceiling and the limits; an undo is not held to the change calendar or the budgets"
                : $"{request.Server}/{request.Tool} is on the allow-list; '{scope}' is within the agent's ceiling, the limits, the change calendar and the budgets");
    }

    private PolicyDecision? CheckFiles(ActionRequest request)
    {
        if (request.FileCount is not { } count)
        {
            return null;
        }
        const string Source = "guardrails/limits.yaml";
        if (count > limits.MaxFilesPerWrite)
        {
            return Deny("limits.files-per-write", Source, $"{count} files exceed the limit of {limits.MaxFilesPerWrite}");
        }
        if (request.FilesMalformed)
        {
            return Deny("limits.files-shape", Source, "every entry of 'files' must be an object with string content");
        }
        return request.LargestFileBytes > limits.MaxFileBytes
            ? Deny("limits.file-bytes", Source, $"a file of {request.LargestFileBytes} bytes exceeds the limit of {limits.MaxFileBytes}")
            : null;
    }

    // Reads may look anywhere the agent's ceiling reaches (diagnosis needs kube-system); changes stay where the policy says.
    private PolicyDecision? CheckNamespace(ActionRequest request)
    {
        var rule = policy.Namespaces;
        if (request.ReadOnly || request.Namespace is not { } ns || rule.Line == 0)
        {
            return null;
        }
        if (rule.Denied.FirstOrDefault(p => NamespaceRule.Matches(p, ns)) is { } denied)
        {
            return Deny("policy.namespace-denied", policy.Source(rule.DeniedLine), $"namespace '{ns}' is denied (matches '{denied}'): agents never change it");
        }
        return rule.Allowed.Any(p => NamespaceRule.Matches(p, ns))
            ? null
            : Deny("policy.namespace-not-allowed", policy.Source(rule.AllowedLine), $"namespace '{ns}' is not among the allowed namespaces ({string.Join(", ", rule.Allowed)})");
    }

    private PolicyDecision? CheckResources(ActionRequest request)
    {
        var rule = policy.Resources;
        if (request.Size is { } size && rule.MaxSize is { } maxSize)
        {
            var rank = IndexOf(rule.Sizes, size);
            if (rank < 0)
            {
                return Deny("policy.limits.size", policy.Source(rule.LineOf("maxSize")), $"size '{size}' is not a known size ({string.Join(", ", rule.Sizes)})");
            }
            if (rank > IndexOf(rule.Sizes, maxSize))
            {
                return Deny("policy.limits.size", policy.Source(rule.LineOf("maxSize")), $"size '{size}' is above the largest allowed, '{maxSize}'");
            }
        }
        if (request.Replicas is { } replicas && rule.MaxReplicas is { } maxReplicas && replicas > maxReplicas)
        {
            return Deny("policy.limits.replicas", policy.Source(rule.LineOf("maxReplicas")), $"{replicas} replicas exceed the limit of {maxReplicas}");
        }
        if (request.Storage is { } storage && rule.MaxStorageMi is { } maxStorage)
        {
            if (!System.Text.RegularExpressions.Regex.IsMatch(storage, "^[0-9]{1,12}(Mi|Gi|Ti)$", System.Text.RegularExpressions.RegexOptions.None, TimeSpan.FromMilliseconds(50)))
            {
                return Deny("policy.limits.storage", policy.Source(rule.LineOf("maxStorage")), $"storage '{storage}' is not a quantity in Mi, Gi or Ti");
            }
            if (ActionPolicyReader.StorageMi(storage) > maxStorage)
            {
                return Deny("policy.limits.storage", policy.Source(rule.LineOf("maxStorage")), $"storage {storage} exceeds the limit of {maxStorage / 1024}Gi");
            }
        }
        if (request.MonthlyCost is { } cost && rule.MonthlyCostCeiling is { } ceiling && cost > ceiling)
        {
            return Deny("policy.limits.cost", policy.Source(rule.LineOf("monthlyCostCeiling")), string.Create(CultureInfo.InvariantCulture, $"an estimated {cost} USD a month exceeds the ceiling of {ceiling} USD"));
        }
        return null;
    }

    private PolicyDecision? CheckTime(ActionRequest request)
    {
        if (request.ReadOnly)
        {
            return null;
        }
        var now = request.Time ?? timeProvider.GetUtcNow();
        if (policy.Freezes.FirstOrDefault(f => f.Contains(now)) is { } freeze)
        {
            return Deny("policy.freeze", policy.Source(freeze.Line),
                $"write steps are frozen by '{freeze.Id}' from {freeze.From:yyyy-MM-dd HH:mm} to {freeze.To:yyyy-MM-dd HH:mm} {freeze.TimeZone.Id}{(freeze.Reason is { } why ? ": " + why : "")}");
        }
        if (policy.ChangeWindows.Count > 0 && !policy.ChangeWindows.Any(w => w.Contains(now)))
        {
            return Deny("policy.change-window", policy.Source(policy.ChangeWindows[0].Line),
                $"{now:yyyy-MM-dd HH:mm}Z is outside every change window ({string.Join(", ", policy.ChangeWindows.Select(w => w.Id))})");
        }
        return null;
    }

    private PolicyDecision? CheckBudgets(ActionRequest request, AgentSpec agent, bool spend)
    {
        // In the order they are judged: the first that has no room decides. Each carries the refusal it would give,
        // which needs the total the store found, so that total is passed in.
        var blast = policy.BlastRadius;
        var budgets = new List<(BudgetSpend Spend, Func<long, PolicyDecision> Refusal)>();
        if (request.ObjectsChanged > 0 && blast.PerRun is { } perRun)
        {
            budgets.Add((new BudgetSpend(RunKey(request.RunId), request.ObjectsChanged, perRun, Window: null), total =>
                Deny("policy.blast-radius.run", policy.Source(blast.PerRunLine),
                    $"run {request.RunId} has changed {total} objects; {request.ObjectsChanged} more would exceed {perRun} per run")));
        }
        if (request.ObjectsChanged > 0 && blast.PerHour is { } perHour)
        {
            budgets.Add((new BudgetSpend("blast-radius/hour", request.ObjectsChanged, perHour, TimeSpan.FromHours(1)), total =>
                Deny("policy.blast-radius.hour", policy.Source(blast.PerHourLine),
                    $"{total} objects were changed in the last hour; {request.ObjectsChanged} more would exceed {perHour} per hour")));
        }
        budgets.Add((new BudgetSpend("agent-spec/" + agent.Name, 1, agent.ToolCallsPerMinute, TimeSpan.FromMinutes(1)), _ =>
            Deny("limits.rate", $"AIAgent {agent.Name}", $"agent '{agent.Name}' exceeded {agent.ToolCallsPerMinute} tool calls per minute")));
        if (policy.PerAgentRate is { } perAgent)
        {
            budgets.Add((new BudgetSpend("agent/" + agent.Name, 1, perAgent.Permits, perAgent.Window), _ =>
                Deny("policy.rate.agent", policy.Source(perAgent.Line), $"agent '{agent.Name}' exceeded {perAgent.Permits} tool calls per {perAgent.Window}")));
        }
        if (policy.PerTenantRate is { } perTenant)
        {
            var tenant = request.Tenant ?? policy.TenantOf(request.Requester);
            budgets.Add((new BudgetSpend("tenant/" + tenant, 1, perTenant.Permits, perTenant.Window), _ =>
                Deny("policy.rate.tenant", policy.Source(perTenant.Line), $"tenant '{tenant}' exceeded {perTenant.Permits} tool calls per {perTenant.Window}")));
        }
        var result = store.TrySpend(budgets.ConvertAll(b => b.Spend), spend);
        return result.RefusedIndex is { } refused ? budgets[refused].Refusal(result.RefusedTotal) : null;
    }

    // A run's blast radius has no window: its rows are kept for as long as the store keeps them, keyed by the run.
    private static string RunKey(string runId) => "blast-radius/run/" + runId;

    private static int IndexOf(IReadOnlyList<string> list, string item)
    {
        for (var i = 0; i < list.Count; i++)
        {
            if (string.Equals(list[i], item, StringComparison.Ordinal))
            {
                return i;
            }
        }
        return -1;
    }

    private static PolicyDecision Deny(string rule, string source, string reason) => new(Verdict.Deny, rule, source, reason);
}
