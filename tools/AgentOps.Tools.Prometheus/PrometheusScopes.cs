using System.Text.Json;
using AgentOps.Core;
using AgentOps.Tools.Hosting;

namespace AgentOps.Tools.Prometheus;

/// <summary>
/// Queries and series lookups need <c>prometheus:query:metrics</c>; alerts, rules and targets each have a read scope of
/// their own. Queries are not scoped by namespace: PromQL can select any label, so no argument names a boundary the
/// server could check (see the README's known limitations).
/// </summary>
internal sealed class PrometheusScopes : IToolScopeResolver
{
    // Listing series reveals exactly the label sets a query could select, so it shares the query scope: a separate
    // scope would suggest a boundary that does not exist.
    public static readonly Scope QueryMetrics = new("prometheus", "query", "metrics");
    public static readonly Scope ReadAlerts = new("prometheus", "read", "alerts");
    public static readonly Scope ReadRules = new("prometheus", "read", "rules");
    public static readonly Scope ReadTargets = new("prometheus", "read", "targets");

    public Scope? RequiredScope(string toolName, IReadOnlyDictionary<string, JsonElement> arguments) => toolName switch
    {
        "query_instant" or "query_range" or "series_metadata" => QueryMetrics,
        "alerts_list" => ReadAlerts,
        "rules_list" => ReadRules,
        "targets_list" => ReadTargets,
        _ => null,
    };
}
