using System.Text.Json.Nodes;
using AgentOps.Core;
using AgentOps.Guardrails;
using AgentOps.Guardrails.Approvals;
using AgentOps.Guardrails.Layers;
using AgentOps.Guardrails.Policy;
using AgentOps.Identity;
using AgentOps.Orchestration.Execution;
using AgentOps.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;

namespace AgentOps.Orchestration.Tests;

/// <summary>
/// The executor wired as the CLI wires it (see AgentOpsRuntime), in a temp directory: real SQLite stores, a real
/// signing key and broker, the repository's guardrails/ policy and agents/ catalogue. Only the tool servers are faked.
/// </summary>
internal sealed class ExecutorHarness : IDisposable
{
    public const string Requester = "alice@example.com";
    public const string Approver = "bob@example.com";
    public const string Repo = "platform-gitops";
    public const string WriteScope = "git:write:repo/platform-gitops/branch/agentops/orders-db";
    public const string StepAgentId = "spiffe://agentops.local/agent/infra-provisioner";
    public const string PlannerId = "spiffe://agentops.local/agent/planner";

    private readonly string _root;

    private ExecutorHarness(string root, SqliteDatabase database)
    {
        _root = root;
        Audit = new SqliteAuditLog(database, Time);
        Runs = new SqliteRunStore(database);
        Approvals = new SqliteApprovalStore(database);
        PullRequests = new SqlitePullRequestStore(database);
        Keys = SigningKeyStore.OpenOrCreate(Path.Combine(root, "keys"), Time);
        Broker = new CredentialBroker(Keys, Time, new BrokerOptions());
        Agents = AgentCatalog.Load(Path.Combine(AppContext.BaseDirectory, "agents"));
        Policy = GuardrailPolicy.Load(Path.Combine(AppContext.BaseDirectory, "guardrails"));
        ApprovalPolicy = ApprovalPolicy.Load(Path.Combine(AppContext.BaseDirectory, "guardrails"));
        Executor = CreateExecutor();
    }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2025, 6, 2, 9, 30, 0, TimeSpan.Zero));

    public FakeToolGateway Tools { get; } = new();

    public SqliteAuditLog Audit { get; }

    public SqliteRunStore Runs { get; }

    public SqliteApprovalStore Approvals { get; }

    /// <summary>The local forge's pull-request records, on the same database as the runs.</summary>
    public SqlitePullRequestStore PullRequests { get; }

    public SigningKeyStore Keys { get; }

    public CredentialBroker Broker { get; }

    public AgentCatalog Agents { get; }

    public GuardrailPolicy Policy { get; }

    public PlanExecutor Executor { get; }

    /// <summary>The repository's guardrails/approvals.yaml and CODEOWNERS.</summary>
    public ApprovalPolicy ApprovalPolicy { get; }

    public static async Task<ExecutorHarness> CreateAsync()
    {
        var root = Path.Combine(Path.GetTempPath(), "agentops-orchestration-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(root);
        var database = await SqliteDatabase.OpenAsync(Path.Combine(root, "agentops.db"));
        return new ExecutorHarness(root, database);
    }

    /// <summary>A second executor over the same stores, with its own journal and rate limiter: a process restart.</summary>
    public PlanExecutor CreateExecutor()
    {
        return CreateExecutor(ApprovalPolicy);
    }

    /// <summary>An executor whose approval gate follows <paramref name="approvals"/> instead of the repository's approvals.yaml.</summary>
    public PlanExecutor CreateExecutor(ApprovalPolicy approvals)
    {
        var screen = new TextScreen(Policy);
        var journal = new RollbackJournal();
        var pipeline = new GuardrailPipeline(
            new InputValidationLayer(Policy, screen),
            new ActionScopeLayer(Policy.Limits, new AgentRateLimiter(Time)),
            new ApprovalGateLayer(Approvals, approvals, Time),
            new RollbackLayer(journal),
            new AuditLayer(Audit));
        return new PlanExecutor(Tools, pipeline, journal, Broker, Agents, Runs, Audit, Time, new ExecutorOptions());
    }

    /// <summary>
    /// Three steps on the git server: create a branch (undo: delete it), open a pull request (undo: close it),
    /// then read the pull request back. Tools answer with a branch name and pull request number 7 unless scripted otherwise.
    /// </summary>
    public Plan ThreeStepPlan(bool criticalLastStep = false, string lastTool = "pull_request_get")
    {
        ScriptDefaults();
        return Plan(
            new PlanStep("branch", "git", "branch_create",
                new JsonObject { ["repo"] = Repo, ["branch"] = "agentops/orders-db", ["base"] = "main" },
                WriteScope, "create the branch",
                Compensation: new Compensation("branch_delete", new JsonObject { ["repo"] = Repo, ["branch"] = "${steps.branch.branch}" }, WriteScope)),
            new PlanStep("pr", "git", "pull_request_open",
                new JsonObject { ["repo"] = Repo, ["branch"] = "${steps.branch.branch}", ["title"] = "Add orders-db", ["body"] = "${run.report}" },
                WriteScope, "open the pull request",
                Compensation: new Compensation("pull_request_close", new JsonObject { ["repo"] = Repo, ["number"] = "${steps.pr.number}" }, WriteScope)),
            new PlanStep("check", "git", lastTool,
                new JsonObject { ["repo"] = Repo, ["number"] = "${steps.pr.number}" },
                WriteScope, "read the pull request back", Critical: criticalLastStep));
    }

    /// <summary>What the git tools answer unless a test scripts otherwise.</summary>
    public void ScriptDefaults()
    {
        Tools.Succeed("branch_create", new JsonObject { ["branch"] = "agentops/orders-db", ["sha"] = "0a1b2c" });
        Tools.Succeed("pull_request_open", new JsonObject { ["number"] = 7, ["url"] = "forge://platform-gitops/pulls/7" });
        Tools.Succeed("pull_request_get", new JsonObject { ["state"] = "open" });
    }

    public static Plan Plan(params PlanStep[] steps) => new(
        "database",
        new Dictionary<string, string>(StringComparer.Ordinal) { ["namespace"] = "payments", ["resource_name"] = "orders-db" },
        steps,
        "PostgreSQL database orders-db for payments");

    public async Task<RunRecord> CreateRunAsync(Plan plan, string id = "run-1")
    {
        var now = Time.GetUtcNow();
        var run = new RunRecord(id, Requester, "cli", "I need a database orders-db", RunStatus.Planned, plan.Skill,
            PlanJson.Serialize(plan), PlanDigest.Compute(plan), 0, "{}", null, null, null, now, now);
        await Runs.CreateAsync(run);
        return run;
    }

    public async Task<RunRecord> StoredAsync(string id = "run-1") =>
        await Runs.GetAsync(id) ?? throw new InvalidOperationException($"run {id} is not stored");

    public TokenVerification Verify(string token, string server = "git")
    {
        using var jwks = JsonWebKeySet.Load(Keys.JwksPath);
        return new DelegatedTokenVerifier(jwks, new VerifierOptions(), Time, replayCache: null).Verify(token, FakeToolGateway.ServerId(server));
    }

    public async Task<IReadOnlyList<(string Action, string Outcome)>> AuditTrailAsync() =>
        (await Audit.ReadAsync()).Select(r => (r.Action, r.Outcome)).ToArray();

    public void Dispose()
    {
        Keys.Dispose();
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp directory must not fail a test that already passed.
        }
    }
}
