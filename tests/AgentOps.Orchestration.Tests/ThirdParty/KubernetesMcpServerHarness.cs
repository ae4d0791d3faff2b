using System.Text.Json.Nodes;
using AgentOps.Core;
using AgentOps.Guardrails;
using AgentOps.Guardrails.Approvals;
using AgentOps.Guardrails.Layers;
using AgentOps.Guardrails.Policy;
using AgentOps.Identity;
using AgentOps.Orchestration.Execution;
using AgentOps.Orchestration.Tools;
using AgentOps.Storage;
using AgentOps.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;

namespace AgentOps.Orchestration.Tests.ThirdParty;

/// <summary>
/// The orchestrator hosting the real Go <c>kubernetes-mcp-server</c> (npm <c>kubernetes-mcp-server@0.0.67</c>, from
/// <c>tests/interop/node_modules</c>) as a child process, with <c>--read-only --list-output yaml</c> and a kubeconfig
/// for the fake Kubernetes API. Everything else is wired as the CLI wires it: SQLite stores, a real broker key, the
/// repository's guardrail policy, and an agent catalogue with a cluster-reading step agent.
/// With <c>capture: true</c> the server runs behind <c>/bin/sh</c>, which records its arguments, its environment and
/// every byte the orchestrator writes to it, so a test can check what the third party received.
/// </summary>
internal sealed class KubernetesMcpServerHarness : IAsyncDisposable
{
    public const string Server = "kubernetes";
    public const string ServerId = "spiffe://agentops.local/tool/third-party/kubernetes-mcp-server";
    public const string BinaryPath = "kubernetes-mcp-server-linux-amd64/bin/kubernetes-mcp-server-linux-amd64";
    public const string Requester = "alice@example.com";
    public const string StepAgent = "cluster-reader";

    private readonly string _root;

    private KubernetesMcpServerHarness(string root, SqliteDatabase database, string binary, bool capture)
    {
        _root = root;
        Api = FakeKubernetesApi.Start();
        var kubeconfig = Api.WriteKubeconfig(Path.Combine(root, "kubeconfig"));
        CaptureDirectory = Directory.CreateDirectory(Path.Combine(root, "capture")).FullName;
        Audit = new SqliteAuditLog(database, TimeProvider.System);
        Runs = new SqliteRunStore(database);
        Keys = SigningKeyStore.OpenOrCreate(Path.Combine(root, "keys"), TimeProvider.System);
        Broker = new CredentialBroker(Keys, TimeProvider.System, new BrokerOptions());
        Agents = AgentCatalog.Load(WriteAgents(Path.Combine(root, "agents")));
        var policy = GuardrailPolicy.Load(Path.Combine(AppContext.BaseDirectory, "guardrails"));
        var screen = new TextScreen(policy);

        string[] serverArguments = ["--read-only", "--list-output", "yaml", "--kubeconfig", kubeconfig];
        var options = new ThirdPartyToolServerOptions
        {
            ServerId = ServerId,
            Command = capture ? "/bin/sh" : binary,
            Arguments = capture ? ["-c", CaptureScript(CaptureDirectory), binary, .. serverArguments] : [.. serverArguments],
            Trust = ThirdPartyToolServerOptions.UnverifiedToken,
            Scopes = new(StringComparer.Ordinal)
            {
                ["namespaces_list"] = "k8s:read:cluster",
                ["pods_list_in_namespace"] = "k8s:read:ns/{namespace}",
                ["pods_get"] = "k8s:read:ns/{namespace}",
            },
        };
        Verifier = new DelegatedTokenVerifier(JsonWebKeySet.Parse(Keys.JwksJson), new VerifierOptions(), TimeProvider.System, new InMemoryReplayCache(TimeProvider.System));
        Gateway = new ThirdPartyToolGateway(
            new Dictionary<string, ToolServerEndpoint>(StringComparer.Ordinal),
            new Dictionary<string, ThirdPartyToolServerOptions>(StringComparer.Ordinal) { [Server] = options },
            Verifier, Audit, screen, NullLoggerFactory.Instance);
        var journal = new RollbackJournal();
        var pipeline = new GuardrailPipeline(
            new InputValidationLayer(policy, screen),
            new ActionScopeLayer(policy.Limits, new AgentRateLimiter(TimeProvider.System)),
            new ApprovalGateLayer(new SqliteApprovalStore(database), ApprovalPolicy.Default, TimeProvider.System),
            new RollbackLayer(journal),
            new AuditLayer(Audit));
        Executor = new PlanExecutor(Gateway, pipeline, journal, Broker, Agents, Runs, Audit, TimeProvider.System,
            new ExecutorOptions { Planner = "planner", StepAgent = StepAgent });
    }

    public FakeKubernetesApi Api { get; }

    public string CaptureDirectory { get; }

    public SqliteAuditLog Audit { get; }

    public SqliteRunStore Runs { get; }

    public SigningKeyStore Keys { get; }

    public CredentialBroker Broker { get; }

    public AgentCatalog Agents { get; }

    public DelegatedTokenVerifier Verifier { get; }

    public ThirdPartyToolGateway Gateway { get; }

    public PlanExecutor Executor { get; }

    /// <summary>Everything the orchestrator wrote to the server's stdin (capture mode only).</summary>
    public string SentToServer => File.ReadAllText(Path.Combine(CaptureDirectory, "stdin"));

    /// <summary>The server's command line, one argument a line (capture mode only).</summary>
    public string ServerArguments => File.ReadAllText(Path.Combine(CaptureDirectory, "args"));

    /// <summary>The server's environment as <c>env</c> prints it (capture mode only).</summary>
    public string ServerEnvironment => File.ReadAllText(Path.Combine(CaptureDirectory, "env"));

    /// <summary>Starts the harness; fails with the install command when the npm package is not installed.</summary>
    public static async Task<KubernetesMcpServerHarness> StartAsync(bool capture = false)
    {
        var binary = NpmTools.PackagePath(BinaryPath);
        var root = Path.Combine(Path.GetTempPath(), "agentops-third-party-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(root);
        var database = await SqliteDatabase.OpenAsync(Path.Combine(root, "agentops.db"));
        return new KubernetesMcpServerHarness(root, database, binary, capture);
    }

    /// <summary>A one-step plan on the third-party server, stored as a run ready to execute.</summary>
    public async Task<RunRecord> CreateRunAsync(string tool, JsonObject arguments, string scope, string id = "run-1")
    {
        var plan = new Plan(
            "cluster-read",
            new Dictionary<string, string>(StringComparer.Ordinal) { ["namespace"] = FakeKubernetesApi.Seeded.Payments },
            [new PlanStep("read", Server, tool, arguments, scope, $"{tool} for the diagnosis")],
            "read the cluster");
        var now = TimeProvider.System.GetUtcNow();
        var run = new RunRecord(id, Requester, "cli", "why is payments-api crashing?", RunStatus.Planned, plan.Skill,
            PlanJson.Serialize(plan), PlanDigest.Compute(plan), 0, "{}", null, null, null, now, now);
        await Runs.CreateAsync(run);
        return run;
    }

    /// <summary>A step token for the third-party server, as the executor would mint it: human → planner → step agent.</summary>
    public string StepToken(string scope, string? audience = null)
    {
        var planner = Identity(Agents.Get("planner"));
        var goal = Broker.IssueForGoal(Requester, planner, ScopeSet.Parse(scope), "test goal", "run-direct");
        return Broker.Exchange(goal.Token, Identity(Agents.Get(StepAgent)), audience ?? ServerId, ScopeSet.Parse(scope), "test step").Token;
    }

    /// <summary>Requests the fake API received for anything in <paramref name="namespace"/>.</summary>
    public IReadOnlyList<KubernetesApiRequest> RequestsFor(string @namespace) =>
        Api.Requests.Where(r => r.Path.Contains($"/namespaces/{@namespace}/", StringComparison.Ordinal)).ToArray();

    public async ValueTask DisposeAsync()
    {
        await Gateway.DisposeAsync();
        Api.Dispose();
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

    private static AgentIdentity Identity(AgentSpec agent) => new(agent.Id, agent.AgentType, agent.Model, agent.Provider, agent.RbacScope);

    // $0 is the real server; sh records what it was given, then relays stdin to it through tee.
    private static string CaptureScript(string directory) =>
        $"""printf '%s\n' "$@" > '{directory}/args'; env > '{directory}/env'; tee '{directory}/stdin' | "$0" "$@" """;

    private static string WriteAgents(string directory)
    {
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "planner.yaml"), """
            apiVersion: platform.example.io/v1
            kind: AIAgent
            metadata:
              name: planner
            spec:
              provider: agentops
              model: runbook-planner/v1
              agentType: autonomous
              mcpEndpoints: []
              rbacScope:
                - k8s:read:*
              rateLimits:
                toolCallsPerMinute: 60
            """);
        // configuration_view is on the allow-list on purpose: the orchestrator's scope map, not the agent's
        // allow-list, is what refuses it in the tests.
        File.WriteAllText(Path.Combine(directory, "cluster-reader.yaml"), """
            apiVersion: platform.example.io/v1
            kind: AIAgent
            metadata:
              name: cluster-reader
            spec:
              provider: agentops
              model: runbook-planner/v1
              agentType: domain_specific
              mcpEndpoints:
                - name: kubernetes
                  tools: [namespaces_list, pods_list_in_namespace, pods_get, configuration_view]
              rbacScope:
                - k8s:read:*
              rateLimits:
                toolCallsPerMinute: 60
            """);
        return directory;
    }
}
