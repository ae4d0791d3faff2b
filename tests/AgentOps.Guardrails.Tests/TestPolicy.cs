using System.Text.Json;
using System.Text.RegularExpressions;
using System.Text.Json.Nodes;
using AgentOps.Core;
using AgentOps.Guardrails.Policy;

namespace AgentOps.Guardrails.Tests;

/// <summary>The repository's real guardrail policy and agent catalogue, and a builder for the context one tool call is judged in.</summary>
internal static class TestPolicy
{
    public const string Repo = "platform-gitops";
    public const string WriteScope = "git:write:repo/platform-gitops/branch/agentops/orders-db";

    public static string GuardrailsDirectory => Path.Combine(AppContext.BaseDirectory, "guardrails");

    public static string AgentsDirectory => Path.Combine(AppContext.BaseDirectory, "agents");

    public static GuardrailPolicy Policy { get; } = GuardrailPolicy.Load(GuardrailsDirectory);

    public static AgentCatalog Agents { get; } = AgentCatalog.Load(AgentsDirectory);

    public static AgentSpec Provisioner => Agents.Get("infra-provisioner");

    /// <summary>
    /// The same regex without a match timeout, as the oracle a test compares against. Shipped patterns time out after
    /// 200 ms so a hostile text cannot stall a screen; on a loaded CI runner a collection or a descheduled thread can
    /// take that long on any text, and a test asking "do these engines agree" must not fail for it (a CI run did, on
    /// `override-world-languages`, whose slowest corpus text takes 2.7 ms here).
    /// </summary>
    public static Regex Untimed(this Regex regex) => new(regex.ToString(), regex.Options, Regex.InfiniteMatchTimeout);

    public static JsonElement PermissiveSchema { get; } = Schema("""{"type":"object"}""");

    public static JsonElement Schema(string json) => JsonSerializer.Deserialize<JsonElement>(json);

    public static AgentSpec Agent(string name = "test-agent", int perMinute = 3) => new(
        name,
        AgentCatalog.TrustDomain + name,
        "domain_specific",
        "agentops",
        "runbook-planner/v1",
        new Dictionary<string, IReadOnlySet<string>>(StringComparer.Ordinal)
        {
            ["git"] = new HashSet<string>(["branch_create", "files_write", "commit"], StringComparer.Ordinal),
        },
        ScopeSet.Parse(WriteScope),
        perMinute);

    public static PlanStep Step(
        string id = "write",
        string tool = "files_write",
        string scope = WriteScope,
        bool critical = false,
        Compensation? compensation = null,
        string server = "git") =>
        new(id, server, tool, new JsonObject { ["repo"] = Repo }, scope, $"step {id}", critical, compensation);

    public static Compensation BranchDelete() =>
        new("branch_delete", new JsonObject { ["repo"] = Repo, ["branch"] = "${steps.branch.branch}" }, WriteScope);

    public static GuardrailContext Context(
        PlanStep? step = null,
        JsonObject? arguments = null,
        AgentSpec? agent = null,
        JsonElement? schema = null,
        bool useSchema = true,
        bool readOnly = false,
        bool dryRun = false,
        string runId = "run-1",
        string planDigest = "sha256:plan-a") =>
        new(
            runId,
            "alice@example.com",
            planDigest,
            step ?? Step(),
            arguments ?? new JsonObject { ["repo"] = Repo },
            agent ?? Provisioner,
            useSchema ? schema ?? PermissiveSchema : null,
            readOnly,
            ["alice@example.com → spiffe://agentops.local/agent/planner"],
            dryRun);
}
