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
    private const int MaxCachedExplanations = 4096;

    private readonly System.Collections.Concurrent.ConcurrentDictionary<(string Server, string Tool, string Scope, bool Compensating), PolicyDecision> _allowed = new();

    // The windowed budgets of agents and tenants are the same spend on every call; kept, not rebuilt (and their keys re-concatenated) per call.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(Budget Kind, string Name, int Limit, TimeSpan Window), BudgetSpend> _spends = new();

    private volatile RunBudgetKey? _lastRunKey;

    private enum Budget
    {
        Run,
        Hour,
        AgentSpec,
        Agent,
        Tenant,
    }

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
        if (!agent.MayCall(request.Server, request.Tool))
        {
            return Deny("scope.allow-list", Spec(agent), $"agent '{agent.Name}' is not allowed to call {request.Server}/{request.Tool}");
        }
        var rule = policy.Agents.GetValueOrDefault(agent.Name);
        if (rule is not null && !rule.AllowsTool(request.Server, request.Tool))
        {
            return Deny("policy.agent-tools", policy.Source(rule.Line), $"the policy does not let agent '{agent.Name}' use {request.Server}/{request.Tool} (its tools: {string.Join(", ", rule.Tools)})");
        }
        if (!Scope.TryParse(request.Scope, out var scope))
        {
            return Deny("scope.malformed", Spec(agent), $"'{request.Scope}' is not a scope");
        }
        if (!agent.RbacScope.Covers(scope))
        {
            return Deny("scope.agent-ceiling", Spec(agent), $"'{scope}' is outside agent '{agent.Name}' ceiling ({agent.RbacScope})");
        }
        if (rule is not null && !rule.AllowsVerb(scope.Server, scope.Verb))
        {
            return Deny("policy.agent-verbs", policy.Source(rule.Line), $"the policy does not let agent '{agent.Name}' use verb {scope.Server}:{scope.Verb} (its verbs: {string.Join(", ", rule.Verbs!)})");
        }
        return CheckFiles(request)
            ?? CheckNamespace(request)
            ?? CheckResources(request)
            // An undo restores state: a freeze that began meanwhile, or budgets the failed run spent, must not leave a change half applied.
            ?? (request.Compensating ? null : CheckTime(request) ?? CheckBudgets(request, agent, spend))
            ?? Allowed(request, scope);
    }

    // An allowed call's explanation depends only on what it names, so each is written once: the evaluator runs on
    // every tool call, and most calls are the same few tools on the same few scopes.
    private PolicyDecision Allowed(ActionRequest request, Scope scope)
    {
        var key = (request.Server, request.Tool, request.Scope, request.Compensating);
        if (_allowed.TryGetValue(key, out var decision))
        {
            return decision;
        }
        decision = new PolicyDecision(Verdict.Allow, AllowedRule, policy.File, request.Compensating
            ? $"{request.Server}/{request.Tool} is on the allow-list; '{scope}' is within the agent's ceiling and the limits; an undo is not held to the change calendar or the budgets"
            : $"{request.Server}/{request.Tool} is on the allow-list; '{scope}' is within the agent's ceiling, the limits, the change calendar and the budgets");
        if (_allowed.Count < MaxCachedExplanations)
        {
            _allowed.TryAdd(key, decision);
        }
        return decision;
    }

    private static string Spec(AgentSpec agent) => $"AIAgent {agent.Name}";

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
        if (FirstMatching(rule.Denied, ns) is { } denied)
        {
            return Deny("policy.namespace-denied", policy.Source(rule.DeniedLine), $"namespace '{ns}' is denied (matches '{denied}'): agents never change it");
        }
        return FirstMatching(rule.Allowed, ns) is not null
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
        FreezePeriod? freeze = null;
        for (var i = 0; i < policy.Freezes.Count && freeze is null; i++)
        {
            freeze = policy.Freezes[i].Contains(now) ? policy.Freezes[i] : null;
        }
        if (freeze is not null)
        {
            return Deny("policy.freeze", policy.Source(freeze.Line),
                $"write steps are frozen by '{freeze.Id}' from {freeze.From:yyyy-MM-dd HH:mm} to {freeze.To:yyyy-MM-dd HH:mm} {freeze.TimeZone.Id}{(freeze.Reason is { } why ? ": " + why : "")}");
        }
        if (policy.ChangeWindows.Count > 0 && !InAnyWindow(policy.ChangeWindows, now))
        {
            return Deny("policy.change-window", policy.Source(policy.ChangeWindows[0].Line),
                $"{now:yyyy-MM-dd HH:mm}Z is outside every change window ({string.Join(", ", policy.ChangeWindows.Select(w => w.Id))})");
        }
        return null;
    }

    private PolicyDecision? CheckBudgets(ActionRequest request, AgentSpec agent, bool spend)
    {
        // In the order they are judged: the first that has no room decides, and its refusal names the total the store found.
        var blast = policy.BlastRadius;
        var writes = request.ObjectsChanged > 0;
        var perRun = writes ? blast.PerRun : null;
        var perHour = writes ? blast.PerHour : null;
        var tenant = policy.PerTenantRate is null ? null : request.Tenant ?? policy.TenantOf(request.Requester);
        var spends = new BudgetSpend[(perRun is null ? 0 : 1) + (perHour is null ? 0 : 1) + 1 + (policy.PerAgentRate is null ? 0 : 1) + (tenant is null ? 0 : 1)];
        Span<Budget> kinds = stackalloc Budget[spends.Length];
        var count = 0;
        if (perRun is { } runLimit)
        {
            kinds[count] = Budget.Run;
            spends[count++] = new BudgetSpend(RunKey(request.RunId), request.ObjectsChanged, runLimit, Window: null);
        }
        if (perHour is { } hourLimit)
        {
            kinds[count] = Budget.Hour;
            spends[count++] = new BudgetSpend("blast-radius/hour", request.ObjectsChanged, hourLimit, TimeSpan.FromHours(1));
        }
        kinds[count] = Budget.AgentSpec;
        spends[count++] = Windowed(Budget.AgentSpec, agent.Name, agent.ToolCallsPerMinute, TimeSpan.FromMinutes(1));
        if (policy.PerAgentRate is { } perAgent)
        {
            kinds[count] = Budget.Agent;
            spends[count++] = Windowed(Budget.Agent, agent.Name, perAgent.Permits, perAgent.Window);
        }
        if (policy.PerTenantRate is { } perTenant)
        {
            kinds[count] = Budget.Tenant;
            spends[count++] = Windowed(Budget.Tenant, tenant!, perTenant.Permits, perTenant.Window);
        }
        var result = store.TrySpend(spends, spend);
        if (result.RefusedIndex is not { } refused)
        {
            return null;
        }
        var total = result.RefusedTotal;
        return kinds[refused] switch
        {
            Budget.Run => Deny("policy.blast-radius.run", policy.Source(blast.PerRunLine),
                $"run {request.RunId} has changed {total} objects; {request.ObjectsChanged} more would exceed {blast.PerRun} per run"),
            Budget.Hour => Deny("policy.blast-radius.hour", policy.Source(blast.PerHourLine),
                $"{total} objects were changed in the last hour; {request.ObjectsChanged} more would exceed {blast.PerHour} per hour"),
            Budget.AgentSpec => Deny("limits.rate", Spec(agent), $"agent '{agent.Name}' exceeded {agent.ToolCallsPerMinute} tool calls per minute"),
            Budget.Agent => Deny("policy.rate.agent", policy.Source(policy.PerAgentRate!.Line),
                $"agent '{agent.Name}' exceeded {policy.PerAgentRate.Permits} tool calls per {policy.PerAgentRate.Window}"),
            _ => Deny("policy.rate.tenant", policy.Source(policy.PerTenantRate!.Line),
                $"tenant '{tenant}' exceeded {policy.PerTenantRate.Permits} tool calls per {policy.PerTenantRate.Window}"),
        };
    }

    private BudgetSpend Windowed(Budget kind, string name, int limit, TimeSpan window)
    {
        var key = (kind, name, limit, window);
        if (_spends.TryGetValue(key, out var spend))
        {
            return spend;
        }
        spend = new BudgetSpend(kind switch { Budget.AgentSpec => "agent-spec/", Budget.Agent => "agent/", _ => "tenant/" } + name, 1, limit, window);
        if (_spends.Count < MaxCachedExplanations)
        {
            _spends.TryAdd(key, spend);
        }
        return spend;
    }

    private static string? FirstMatching(IReadOnlyList<string> patterns, string ns)
    {
        for (var i = 0; i < patterns.Count; i++)
        {
            if (NamespaceRule.Matches(patterns[i], ns))
            {
                return patterns[i];
            }
        }
        return null;
    }

    private static bool InAnyWindow(IReadOnlyList<ChangeWindow> windows, DateTimeOffset now)
    {
        for (var i = 0; i < windows.Count; i++)
        {
            if (windows[i].Contains(now))
            {
                return true;
            }
        }
        return false;
    }

    // A run's blast radius has no window: its rows are kept for as long as the store keeps them, keyed by the run.
    // Every write of a run spends from the same key; the last run's is kept rather than concatenated again per call.
    private string RunKey(string runId)
    {
        if (_lastRunKey is { } last && string.Equals(last.RunId, runId, StringComparison.Ordinal))
        {
            return last.Key;
        }
        var key = "blast-radius/run/" + runId;
        _lastRunKey = new RunBudgetKey(runId, key);
        return key;
    }

    private sealed record RunBudgetKey(string RunId, string Key);

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
