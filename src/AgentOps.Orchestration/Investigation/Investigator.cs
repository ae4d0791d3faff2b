using System.Security.Cryptography;
using AgentOps.Core;
using AgentOps.Guardrails;
using AgentOps.Guardrails.Injection;
using AgentOps.Guardrails.Layers;
using AgentOps.Guardrails.Policy;
using AgentOps.Identity;
using AgentOps.Orchestration.Tools;
using AgentOps.Planning.Kernel;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;
using Microsoft.SemanticKernel.Connectors.OpenAI;

namespace AgentOps.Orchestration.Investigation;

/// <summary>A diagnosis question and who asks it.</summary>
/// <param name="Scopes">
/// What the requester lets this investigation read (<c>k8s:read:ns/payments</c>); null grants the investigator's whole
/// read ceiling. Every scope must be a read scope.
/// </param>
public sealed record InvestigationRequest(string Question, string Requester, ScopeSet? Scopes = null);

/// <summary>
/// Answers a diagnosis question ("why is payment-service slow?") with a read-only tool loop: Semantic Kernel's auto
/// function calling over the tools of the configured tool servers, each exposed as a kernel function
/// (<c>server-tool</c>). Every invocation goes through <see cref="InvestigationFilter"/>: budgets, read-only tools
/// only, one token per call narrowed to exactly its scope, the guardrail pipeline, output screening and
/// spotlighting, audit. The investigation's start and end (with the model's token use) are audited too.
/// </summary>
public sealed class Investigator(
    Kernel kernel,
    IToolGateway tools,
    GuardrailPipeline guardrails,
    CredentialBroker broker,
    AgentCatalog agents,
    IAuditLog audit,
    PromptLibrary prompts,
    LlmOptions llm,
    InvestigationBudget budget,
    TimeProvider timeProvider,
    string agentName = "investigator")
{
    private const string Layer = InvestigationFilter.Layer;

    /// <summary>Verbs that only read, on any server; a goal scope with another verb is refused.</summary>
    private static readonly HashSet<string> s_readVerbs = ["read", "query", "file_read", "pull_request_get", "pull_request_list", "diff"];

    public async Task<InvestigationReport> InvestigateAsync(InvestigationRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrWhiteSpace(request.Question);
        budget.Validate();
        var template = prompts.InvestigateSystem ?? throw new InvalidOperationException("The prompt prompts/kernel/investigate.system.md is missing.");
        var id = "inv-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
        var agent = agents.Get(agentName);
        var identity = new AgentIdentity(agent.Id, agent.AgentType, agent.Model, agent.Provider, agent.RbacScope);
        var noUsage = new ModelUsage(llm.Model, 0, 0, 0, null);

        // The question is the requester's, but it is screened like any request before a model reads it.
        var scan = guardrails.Screen.Scan(request.Question, ScanChannel.Request);
        if (scan.Verdict == ScanVerdict.Block)
        {
            return await EndAsync(new InvestigationReport(id, request.Question, InvestigationOutcome.Refused, null,
                $"refused: the question was blocked as a prompt injection ({scan.Describe()})", [], noUsage), request, cancellationToken).ConfigureAwait(false);
        }
        var scopes = request.Scopes ?? agent.RbacScope;
        if (scopes.FirstOrDefault(s => !s_readVerbs.Contains(s.Verb)) is { } write)
        {
            return await EndAsync(new InvestigationReport(id, request.Question, InvestigationOutcome.Refused, null,
                $"refused: '{write}' is not a read scope; an investigation only reads", [], noUsage), request, cancellationToken).ConfigureAwait(false);
        }
        DelegatedCredential goal;
        try
        {
            goal = broker.IssueForGoal(request.Requester, identity, scopes, "investigate: " + request.Question, id);
        }
        catch (DelegationRefusedException ex)
        {
            return await EndAsync(new InvestigationReport(id, request.Question, InvestigationOutcome.Refused, null,
                $"refused: delegation refused: {ex.Message}", [], noUsage), request, cancellationToken).ConfigureAwait(false);
        }
        await audit.AppendAsync(new AuditEntry(id, request.Requester, [], "investigation/start", AuditLayer.Digest(request.Question),
            [new LayerDecision(Layer, Verdict.Allow, "investigation.started", $"goal scopes {scopes}; budget {budget}")], "started"), cancellationToken).ConfigureAwait(false);

        using var wall = new CancellationTokenSource(budget.WallTime, timeProvider);
        using var listing = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, wall.Token);
        Dictionary<(string, string), ToolDescriptor> descriptors;
        List<string> unavailable;
        try
        {
            (descriptors, unavailable) = await ToolsAsync(listing.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (wall.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return await EndAsync(new InvestigationReport(id, request.Question, InvestigationOutcome.Stopped, null,
                $"stopped: wall-time budget of {budget.WallTime} exhausted while the tool servers started", [], noUsage), request, cancellationToken).ConfigureAwait(false);
        }
        // A third-party server cannot check our token; the orchestrator's scope map for it decides each call's scope.
        var scopeRules = tools.Servers.Where(s => s.ScopeRules is not null).ToDictionary(s => s.Name, s => s.ScopeRules!, StringComparer.Ordinal);
        // Audit records are written with the caller's token: a call that was made is recorded even when the wall-time
        // budget runs out right after it.
        var filter = new InvestigationFilter(new InvestigationScope(id, request.Question, request.Requester, agent, identity, goal, budget),
            tools, guardrails, broker, audit, descriptors, scopeRules, wall.Token, cancellationToken);
        var investigation = kernel.Clone();
        foreach (var server in descriptors.Values.GroupBy(d => d.Server, StringComparer.Ordinal))
        {
            investigation.Plugins.Add(ToolFunctions.CreatePlugin(tools, server.Key, server));
        }
        investigation.AutoFunctionInvocationFilters.Add(filter);

        var system = PromptLibrary.Render(template, new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["spotlighting"] = Spotlighter.Instructions,
            ["scopes"] = scopes.ToString(),
            ["unavailable"] = unavailable.Count == 0 ? "none" : string.Join("; ", unavailable),
        });
        using var history = new BudgetedChatHistory(system, budget);
        history.AddUserMessage(request.Question);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, wall.Token, history.Spent);
        var settings = new OpenAIPromptExecutionSettings { FunctionChoiceBehavior = FunctionChoiceBehavior.Auto() };
        var chat = investigation.GetRequiredService<IChatCompletionService>();
        ChatMessageContent? answer = null;
        string? failure = null;
        try
        {
            answer = await chat.GetChatMessageContentAsync(history, settings, investigation, linked.Token).ConfigureAwait(false);
        }
        catch (Exception) when ((wall.IsCancellationRequested || history.StopReason is not null) && !cancellationToken.IsCancellationRequested)
        {
            // A budget ran out during a model or tool call, or an answer spent one; the report below says which.
        }
        catch (Exception ex) when (ModelEndpointFailure.Is(ex, cancellationToken))
        {
            failure = $"failed: the model endpoint failed: {ModelEndpointFailure.Describe(ex)}";
        }

        var usage = Usage(history, answer);
        InvestigationReport report;
        if (failure is not null)
        {
            report = new InvestigationReport(id, request.Question, InvestigationOutcome.Failed, null, failure, filter.Calls, usage);
        }
        else if ((filter.StopReason ?? history.StopReason) is { } stop)
        {
            report = new InvestigationReport(id, request.Question, InvestigationOutcome.Stopped, null, stop, filter.Calls, usage);
        }
        else if (wall.IsCancellationRequested || answer is null)
        {
            report = new InvestigationReport(id, request.Question, InvestigationOutcome.Stopped, null,
                $"stopped: wall-time budget of {budget.WallTime} exhausted", filter.Calls, usage);
        }
        else if (usage.TotalTokens > budget.MaxTokens)
        {
            // The last call went over: its answer was paid for but is not given as if within budget.
            report = new InvestigationReport(id, request.Question, InvestigationOutcome.Stopped, null,
                $"stopped: token budget of {budget.MaxTokens} exhausted ({usage.TotalTokens} used)", filter.Calls, usage);
        }
        else
        {
            report = new InvestigationReport(id, request.Question, InvestigationOutcome.Answered, answer.Content, null, filter.Calls, usage);
        }
        return await EndAsync(report, request, cancellationToken).ConfigureAwait(false);
    }

    // Every server's tools; a server that cannot be reached is left out and the model is told which.
    private async Task<(Dictionary<(string, string), ToolDescriptor> Descriptors, List<string> Unavailable)> ToolsAsync(CancellationToken cancellationToken)
    {
        var descriptors = new Dictionary<(string, string), ToolDescriptor>();
        var unavailable = new List<string>();
        foreach (var server in tools.Servers)
        {
            if (!ToolFunctions.IsValidName(server.Name))
            {
                unavailable.Add($"{server.Name} (its name cannot be a function prefix)");
                continue;
            }
            try
            {
                foreach (var tool in await tools.ListToolsAsync(server.Name, cancellationToken).ConfigureAwait(false))
                {
                    if (ToolFunctions.IsValidName(tool.Name))
                    {
                        descriptors[(server.Name, tool.Name)] = tool;
                    }
                }
            }
            catch (ToolServerUnavailableException ex)
            {
                unavailable.Add($"{server.Name} ({ex.Message})");
            }
        }
        return (descriptors, unavailable);
    }

    private ModelUsage Usage(ChatHistory history, ChatMessageContent? answer)
    {
        var messages = history.Where(m => m.Role == AuthorRole.Assistant).ToList();
        if (answer is not null && answer.Role == AuthorRole.Assistant && !messages.Contains(answer))
        {
            messages.Add(answer);
        }
        var counted = messages.Select(InvestigationFilter.UsageOf).OfType<OpenAI.Chat.ChatTokenUsage>().ToList();
        long input = counted.Sum(u => (long)u.InputTokenCount), output = counted.Sum(u => (long)u.OutputTokenCount);
        return new ModelUsage(llm.Model, counted.Count, input, output, llm.EstimateCost(input, output));
    }

    private async Task<InvestigationReport> EndAsync(InvestigationReport report, InvestigationRequest request, CancellationToken cancellationToken)
    {
        var verdict = report.Outcome is InvestigationOutcome.Answered ? Verdict.Allow : Verdict.Deny;
        var reason = $"{report.StopReason ?? "answered"}; {report.Calls.Count} tool call(s), {report.Refusals.Count} refused; {report.Usage}";
        await audit.AppendAsync(new AuditEntry(report.Id, request.Requester, [], "investigation/end", AuditLayer.Digest(request.Question),
            [new LayerDecision(Layer, verdict, "investigation." + report.Outcome.ToString().ToLowerInvariant(), reason)],
            report.Outcome.ToString().ToLowerInvariant(), AuditLayer.Digest(report.Answer ?? report.StopReason ?? string.Empty)), cancellationToken).ConfigureAwait(false);
        return report;
    }
}
