using System.Security.Cryptography;
using AgentOps.Core;
using AgentOps.GitOps;
using AgentOps.Guardrails;
using AgentOps.Guardrails.Approvals;
using AgentOps.Guardrails.Layers;
using AgentOps.Guardrails.Policy;
using AgentOps.Identity;
using AgentOps.Orchestration.Execution;
using AgentOps.Orchestration.Intake;
using AgentOps.Orchestration.Tools;
using AgentOps.Planning;
using AgentOps.Planning.Kernel;
using AgentOps.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;

namespace AgentOps.Cli;

/// <summary>
/// The composition root of the CLI: reads configuration and wires the embedded defaults — SQLite file,
/// local forge, runbook planner, child-process tool servers — so every command works offline.
/// </summary>
internal sealed class AgentOpsRuntime : IAsyncDisposable
{
    /// <summary>The configuration section of the MCP servers we did not write: name → <see cref="ThirdPartyToolServerOptions"/>.</summary>
    public const string ThirdPartyToolsSection = "AgentOps:ThirdPartyTools";

    private readonly IToolGateway _gateway;

    private AgentOpsRuntime(RuntimePaths paths, SqliteAuditLog audit, SqliteRunStore runs, LocalForge forge, AgentCatalog agents,
        ChatWorkflow workflow, RunApprover approver, RunRollback rollback, IToolGateway gateway, string repository,
        SqliteDatabase database, SigningKeyStore keys, BrokerOptions brokerOptions, SqliteCredentialLedger ledger, SqliteRevocations revocations)
    {
        Database = database;
        Ledger = ledger;
        Revocations = revocations;
        Keys = keys;
        BrokerOptions = brokerOptions;
        Rollback = rollback;
        Paths = paths;
        Audit = audit;
        Runs = runs;
        Forge = forge;
        Agents = agents;
        Workflow = workflow;
        Approver = approver;
        Repository = repository;
        _gateway = gateway;
    }

    public RuntimePaths Paths { get; }

    public SqliteAuditLog Audit { get; }

    public IRunStore Runs { get; }

    public LocalForge Forge { get; }

    public AgentCatalog Agents { get; }

    public ChatWorkflow Workflow { get; }

    public RunApprover Approver { get; }

    public RunRollback Rollback { get; }

    public string Repository { get; }

    public SqliteDatabase Database { get; }

    /// <summary>Every token the broker minted, with its last accepted use: the inventory behind <c>agentops identities</c>.</summary>
    public SqliteCredentialLedger Ledger { get; }

    /// <summary>Revoked tokens, agents and runs, shared through the database with every tool server.</summary>
    public SqliteRevocations Revocations { get; }

    /// <summary>The broker's signing key under <c>&lt;data&gt;/keys</c>; only its public JWKS and key id are ever shown.</summary>
    public SigningKeyStore Keys { get; }

    public BrokerOptions BrokerOptions { get; }

    /// <summary>
    /// A verifier over the broker's own key set, as a tool server would build one, without a replay cache: checking a
    /// token from the command line must not use it up.
    /// </summary>
    /// <remarks>It consults the revocation list like every verifier, but records no use in the ledger: a check is not a use.</remarks>
    public DelegatedTokenVerifier CreateVerifier(TimeProvider time) => new(
        JsonWebKeySet.Parse(Keys.JwksJson),
        new VerifierOptions { Issuer = BrokerOptions.Issuer, MaxChainDepth = BrokerOptions.MaxChainDepth },
        time,
        replayCache: null,
        Revocations);

    /// <summary>
    /// Broker options whose per-agent lifetime caps come from each spec's <c>spec.tokenLifetime</c>, so the broker never
    /// mints a token that outlives what the agent's spec allows.
    /// </summary>
    public static BrokerOptions BrokerOptionsFor(AgentCatalog agents, TimeSpan lifetime)
    {
        var options = new BrokerOptions { TokenLifetime = lifetime };
        foreach (var agent in agents.Agents)
        {
            if (agent.TokenLifetime is { } cap)
            {
                options.MaxLifetimeByAgent[agent.Id] = cap;
            }
        }
        return options;
    }


    /// <summary>Every configured tool server, ours and third-party, as the executor reaches them.</summary>
    public IToolGateway Tools => _gateway;

    public static async Task<AgentOpsRuntime> CreateAsync(IConfiguration configuration, CancellationToken cancellationToken = default)
    {
        var paths = RuntimePaths.From(configuration);
        var time = TimeProvider.System;
        // Read before anything is written, so a bad interval fails the command rather than its last step.
        var checkpointInterval = AuditCheckpointSetup.Options(configuration).Interval;
        var repository = configuration["AgentOps:GitOps:Repository"] is { Length: > 0 } repo ? repo : "platform-gitops";
        // State, keys and logs belong to this user alone.
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(paths.DataDirectory);
        }
        else
        {
            Directory.CreateDirectory(paths.DataDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            File.SetUnixFileMode(paths.DataDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        var database = await SqliteDatabase.OpenAsync(Path.Combine(paths.DataDirectory, "agentops.db"), cancellationToken).ConfigureAwait(false);
        var audit = new SqliteAuditLog(database, time);
        var runs = new SqliteRunStore(database);
        var pullRequests = new SqlitePullRequestStore(database);
        var forge = new LocalForge(Path.Combine(paths.DataDirectory, "forge"), pullRequests, time);
        forge.EnsureRepository(repository);

        var keys = SigningKeyStore.OpenOrCreate(Path.Combine(paths.DataDirectory, "keys"), time);
        var agents = AgentCatalog.Load(paths.Agents);
        var brokerOptions = BrokerOptionsFor(agents, TimeSpan.FromMinutes(5));
        var ledger = new SqliteCredentialLedger(database, time);
        var revocations = new SqliteRevocations(database, time);
        // Every token a run mints is in the ledger, and a revoked goal token, agent or run is never exchanged again.
        var broker = new CredentialBroker(keys, time, brokerOptions, ledger, revocations);
        var policy = GuardrailPolicy.Load(paths.Guardrails);
        var approvalPolicy = ApprovalPolicy.Load(paths.Guardrails);
        var screen = new TextScreen(policy);
        var journal = new RollbackJournal();
        var pipeline = new GuardrailPipeline(
            new InputValidationLayer(policy, screen),
            // Rate and blast-radius budgets live in the database, so every command on this data directory spends from them.
            new ActionScopeLayer(new ActionPolicyEvaluator(ActionPolicyLoader.Load(paths.Guardrails, agents), policy.Limits, new SqliteGuardrailBudgets(database, time), time)),
            new ApprovalGateLayer(new SqliteApprovalStore(database), approvalPolicy, time),
            new RollbackLayer(journal),
            new AuditLayer(audit));
        var gateway = CreateGateway(configuration, ToolEndpoints.From(configuration, paths, keys.JwksPath), keys, brokerOptions, audit, screen, time, ledger, revocations);
        var executor = new PlanExecutor(gateway, pipeline, journal, broker, agents, runs, audit, time,
            configuration.GetSection("AgentOps:Agents").Get<ExecutorOptions>() ?? new ExecutorOptions());
        var skills = SkillCatalog.Load(paths.Skills);
        var planningPolicy = PlanningPolicy.Load(Path.Combine(paths.Guardrails, "policy.yaml"));
        var planner = new FallbackPlanner(ModelPlanner(configuration, paths, skills, planningPolicy, time), new RunbookPlanner(skills, planningPolicy));
        var workflow = new ChatWorkflow(new RequestScreen(screen), planner, runs, audit, executor, time);
        var approver = new RunApprover(runs, new SqliteApprovalStore(database), audit, executor, approvalPolicy, time);
        var rollback = new RunRollback(runs, pullRequests, audit, executor, time);
        return new AgentOpsRuntime(paths, audit, runs, forge, agents, workflow, approver, rollback, gateway, repository, database, keys, brokerOptions, ledger, revocations)
        {
            CheckpointInterval = checkpointInterval,
            ApprovalPolicy = approvalPolicy,
            Time = time,
        };
    }

    /// <summary>
    /// The LLM planner when <c>AgentOps:Llm</c> names an endpoint, else none (the runbook planner plans alone). The key
    /// is read from the environment variable <c>AgentOps:Llm:ApiKeyVariable</c> names, or from user secrets or the
    /// environment as <c>AgentOps:Llm:ApiKey</c>; a key written into appsettings.json is refused, so it never lands in Git.
    /// </summary>
    private static KernelPlanner? ModelPlanner(IConfiguration configuration, RuntimePaths paths, SkillCatalog skills, PlanningPolicy policy, TimeProvider time)
    {
        var options = configuration.GetSection(LlmOptions.Section).Get<LlmOptions>() ?? new LlmOptions();
        if (!options.IsConfigured)
        {
            return null;
        }
        var settingsFile = Path.Combine(AppContext.BaseDirectory, "appsettings.json");
        if (File.Exists(settingsFile) && new ConfigurationBuilder().AddJsonFile(settingsFile).Build()["AgentOps:Llm:ApiKey"] is { Length: > 0 })
        {
            throw new InvalidOperationException("AgentOps:Llm:ApiKey is set in appsettings.json; keys belong in an environment variable or user secrets, never in a file under version control.");
        }
        var key = Environment.GetEnvironmentVariable(options.ApiKeyVariable) is { Length: > 0 } fromVariable ? fromVariable : configuration["AgentOps:Llm:ApiKey"];
        var kernel = ModelConnection.CreateKernel(options, key, time);
        return new KernelPlanner(kernel.GetRequiredService<Microsoft.SemanticKernel.ChatCompletion.IChatCompletionService>(), skills,
            new SkillPlanner(skills, policy), PromptLibrary.Load(paths.Prompts), options);
    }

    /// <summary>
    /// Our own servers alone, as always, unless <c>AgentOps:ThirdPartyTools</c> names servers we did not write; then
    /// <see cref="ThirdPartyToolGateway"/> hosts them next to ours and checks, in their place, the step token of every
    /// call to them, with a verifier over the broker's own key set. A misconfigured third-party server fails every
    /// command rather than being skipped: a plan naming it must never run against a half-configured gateway.
    /// </summary>
    private static IToolGateway CreateGateway(IConfiguration configuration, Dictionary<string, ToolServerEndpoint> ownServers, SigningKeyStore keys,
        BrokerOptions brokerOptions, IAuditLog audit, TextScreen screen, TimeProvider time, ICredentialLedger ledger, IRevocationList revocations)
    {
        var thirdParty = configuration.GetSection(ThirdPartyToolsSection).Get<Dictionary<string, ThirdPartyToolServerOptions>>();
        if (thirdParty is not { Count: > 0 })
        {
            return new McpToolGateway(ownServers, NullLoggerFactory.Instance);
        }
        // Tokens are minted in this process and never leave it, so a per-process replay cache covers every use.
        var verifier = new DelegatedTokenVerifier(
            JsonWebKeySet.Parse(keys.JwksJson),
            new VerifierOptions { Issuer = brokerOptions.Issuer, MaxChainDepth = brokerOptions.MaxChainDepth },
            time,
            new InMemoryReplayCache(time),
            revocations,
            ledger);
        return new ThirdPartyToolGateway(ownServers, thirdParty, verifier, audit, screen, NullLoggerFactory.Instance);
    }

    /// <summary>L3 rules from <c>guardrails/approvals.yaml</c> and CODEOWNERS, also applied to forge reviews.</summary>
    public ApprovalPolicy ApprovalPolicy { get; private init; } = ApprovalPolicy.Default;

    public TimeProvider Time { get; private init; } = TimeProvider.System;

    /// <summary>Every how many audit records a signed checkpoint falls due (<c>AgentOps:Audit:Checkpoints:Interval</c>).</summary>
    public int CheckpointInterval { get; private init; } = new AuditCheckpointOptions().Interval;

    public AuditCheckpointFile Checkpoint => new(Path.Combine(Paths.DataDirectory, "audit-head.json"));

    public async ValueTask DisposeAsync()
    {
        await _gateway.DisposeAsync().ConfigureAwait(false);
        // Move the checkpoint forward after every command, so a later deletion of the newest records is detectable —
        // but only when the records since the previous checkpoint continue the chain from its record, unchanged, or a
        // tamper would be laundered. Only those records are read: a command costs what it appended, not the length of
        // the log (the whole chain was verified when the checkpoint was set, and a change below it that was not
        // re-hashed still breaks the chain for `audit verify`). The command's work is done by now: a problem here is
        // reported by `audit verify`, never thrown at the user.
        try
        {
            var previous = Checkpoint.Read();
            var verification = previous is null
                ? await Audit.VerifyAsync().ConfigureAwait(false)
                : await Audit.VerifySinceAsync(previous).ConfigureAwait(false);
            if (verification.Intact)
            {
                Checkpoint.Advance(await Audit.CheckpointAsync().ConfigureAwait(false));
                // Signed checkpoints fall due every CheckpointInterval records; they are signed here, from a chain just
                // verified, so a signature never vouches for a tampered log.
                using var setup = AuditCheckpointSetup.Create(this, CheckpointInterval);
                await Audit.SignCheckpointsAsync(setup.Checkpointing, atHead: false).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException or UnauthorizedAccessException or CryptographicException or AuditCheckpointException or InvalidOperationException)
        {
            await Console.Error.WriteLineAsync($"warning: the audit checkpoint was not advanced: {ex.Message}").ConfigureAwait(false);
        }
    }
}
