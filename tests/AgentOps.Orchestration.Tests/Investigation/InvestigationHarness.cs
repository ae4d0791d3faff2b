using AgentOps.Core;
using AgentOps.Guardrails;
using AgentOps.Guardrails.Layers;
using AgentOps.Orchestration.Investigation;
using AgentOps.Orchestration.Tools;
using AgentOps.Planning.Kernel;
using AgentOps.Testing;

namespace AgentOps.Orchestration.Tests.Investigation;

/// <summary>
/// An <see cref="Investigator"/> wired as the executor is (<see cref="ExecutorHarness"/>: real SQLite audit log, real
/// broker and signing key, the repository's guardrails/ and agents/), with the real Semantic Kernel and OpenAI
/// connector talking to <see cref="FakeChatCompletions"/> on loopback, and <see cref="ScriptedClusterTools"/> for the tools.
/// </summary>
internal sealed class InvestigationHarness : IDisposable
{
    private InvestigationHarness(ExecutorHarness executor, FakeChatCompletions model, InvestigationBudget budget, IToolGateway? gateway)
    {
        Executor = executor;
        Model = model;
        Gateway = gateway ?? new ScriptedClusterTools(executor.Time);
        Options = new LlmOptions
        {
            Provider = "openai-compatible",
            Endpoint = model.BaseUrl,
            Model = "gpt-4o-mini",
            MaxRetries = 1,
            RetryDelay = TimeSpan.FromMilliseconds(5),
            InputPricePerMillionTokens = 0.15m,
            OutputPricePerMillionTokens = 0.60m,
        };
        var screen = new TextScreen(executor.Policy);
        var journal = new RollbackJournal();
        var pipeline = new GuardrailPipeline(
            new InputValidationLayer(executor.Policy, screen),
            new ActionScopeLayer(executor.Policy.Limits, new AgentRateLimiter(executor.Time)),
            new ApprovalGateLayer(executor.Approvals, executor.ApprovalPolicy, executor.Time),
            new RollbackLayer(journal),
            new AuditLayer(executor.Audit));
        Investigator = new Investigator(
            ModelConnection.CreateKernel(Options, FakeChatCompletions.ApiKey, TimeProvider.System),
            Gateway, pipeline, executor.Broker, executor.Agents, executor.Audit,
            PromptLibrary.Load(Path.Combine(AppContext.BaseDirectory, "prompts", "kernel")),
            Options, budget, executor.Time);
    }

    public const string Requester = ExecutorHarness.Requester;

    public ExecutorHarness Executor { get; }

    public FakeChatCompletions Model { get; }

    public IToolGateway Gateway { get; }

    /// <summary>The scripted tools, when the harness was not given a gateway.</summary>
    public ScriptedClusterTools Tools => (ScriptedClusterTools)Gateway;

    public LlmOptions Options { get; }

    public Investigator Investigator { get; }

    public static async Task<InvestigationHarness> CreateAsync(string conversation, InvestigationBudget? budget = null) =>
        new(await ExecutorHarness.CreateAsync(), FakeChatCompletions.Serve(conversation), budget ?? new InvestigationBudget(), null);

    /// <summary>A harness whose tools are reached through <paramref name="gateway"/>, built from the executor's parts (its keys, its clock).</summary>
    public static async Task<InvestigationHarness> CreateAsync(string conversation, Func<ExecutorHarness, IToolGateway> gateway)
    {
        var executor = await ExecutorHarness.CreateAsync();
        return new(executor, FakeChatCompletions.Serve(conversation), new InvestigationBudget(), gateway(executor));
    }

    public Task<InvestigationReport> InvestigateAsync(string question = "why is payment-service slow?", string? scopes = "k8s:read:ns/payments") =>
        Investigator.InvestigateAsync(new InvestigationRequest(question, Requester, scopes is null ? null : ScopeSet.Parse(scopes)));

    public async Task<IReadOnlyList<AuditRecord>> AuditAsync() => await Executor.Audit.ReadAsync();

    /// <summary>The tool messages of the n-th request (0-based) the model endpoint received, by tool call id.</summary>
    public IReadOnlyDictionary<string, string> ToolMessages(int request) =>
        Model.RequestBodies[request]["messages"]!.AsArray()
            .Where(m => m!["role"]!.GetValue<string>() == "tool")
            .ToDictionary(m => m!["tool_call_id"]!.GetValue<string>(), m => Text(m!["content"]), StringComparer.Ordinal);

    // The connector may send content as a string or as an array of text parts.
    private static string Text(System.Text.Json.Nodes.JsonNode? content) => content switch
    {
        System.Text.Json.Nodes.JsonArray parts => string.Concat(parts.Select(p => p?["text"]?.GetValue<string>())),
        null => string.Empty,
        _ => content.GetValue<string>(),
    };

    public void Dispose()
    {
        Gateway.DisposeAsync().AsTask().GetAwaiter().GetResult();
        Model.Dispose();
        Executor.Dispose();
    }
}
