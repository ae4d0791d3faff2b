using AgentOps.Core;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;
using Microsoft.SemanticKernel.Connectors.OpenAI;
using ChatTokenUsage = OpenAI.Chat.ChatTokenUsage;

namespace AgentOps.Planning.Kernel;

/// <summary>
/// Plan mode of the LLM planner, on Semantic Kernel: the model reads the request against the skill catalogue and
/// answers with a skill and parameter values as JSON (checked against <c>prompts/kernel/plan.schema.json</c>);
/// <see cref="SkillPlanner"/> turns that into the plan, through the runbook planner's own policy and step template.
/// The model therefore never writes a step, and its plan gets the same digest, approval path and executor.
/// </summary>
public sealed class KernelPlanner(IChatCompletionService chat, SkillCatalog catalog, SkillPlanner skills, PromptLibrary prompts, LlmOptions options) : IPlanner
{
    public const string PlannerName = "kernel";

    private readonly string _system = PromptLibrary.Render(prompts.PlanSystem, new Dictionary<string, string> { ["catalogue"] = PromptLibrary.Catalogue(catalog) });

    public string Name => PlannerName;

    /// <summary>The system prompt as sent, for the snapshot test and for `agentops` to show.</summary>
    public string SystemPrompt => _system;

    public async Task<PlanningOutcome> PlanAsync(Goal goal, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(goal);
        var history = new ChatHistory(_system);
        // The request is the requester's data; delimiting it lets the system prompt tell the model not to obey it.
        history.AddUserMessage("<request>\n" + (goal.Text ?? string.Empty).Replace("</request>", "<\\/request>", StringComparison.OrdinalIgnoreCase) + "\n</request>");
        var settings = new OpenAIPromptExecutionSettings { Temperature = 0, ResponseFormat = "json_object" };
        var usage = new ModelUsage(options.Model, 0, 0, 0, null);
        var error = string.Empty;
        for (var call = 1; call <= Math.Max(1, options.MaxPlanningCalls); call++)
        {
            ChatMessageContent answer;
            try
            {
                answer = await chat.GetChatMessageContentAsync(history, settings, kernel: null, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ModelEndpointFailure.Is(ex, cancellationToken))
            {
                throw new ModelUnavailableException($"the model endpoint failed: {ModelEndpointFailure.Describe(ex)}", ex) { Usage = usage.Calls > 0 ? usage : null };
            }
            usage = usage.Add(UsageOf(answer));
            if (ModelPlan.TryRead(answer.Content, prompts.PlanSchema, out var plan, out error))
            {
                return Decide(goal, plan!) with { Planner = PlannerName, Usage = usage };
            }
            history.Add(answer);
            history.AddUserMessage(PromptLibrary.Render(prompts.RepairUser, new Dictionary<string, string> { ["error"] = error }));
        }
        throw new ModelUnavailableException($"the model's answer was not a usable plan after {usage.Calls} call(s): {error}") { Usage = usage };
    }

    private PlanningOutcome Decide(Goal goal, ModelPlan plan)
    {
        if (plan.Skill is null)
        {
            var known = string.Join("; ", catalog.Skills.Select(s => $"{s.Name}: {s.Description}"));
            return new PlanningOutcome.Refused(PlanningRules.IntentUnknown,
                $"No skill matches this request{(plan.Reason is { Length: > 0 } why ? $" (the model says: {why})" : string.Empty)}. Known skills: {known}");
        }
        return skills.Plan(goal, plan.Skill, plan.Parameters);
    }

    private ModelUsage UsageOf(ChatMessageContent answer)
    {
        long input = 0, output = 0;
        if (answer.Metadata?.TryGetValue("Usage", out var value) == true && value is ChatTokenUsage tokens)
        {
            input = tokens.InputTokenCount;
            output = tokens.OutputTokenCount;
        }
        return new ModelUsage(options.Model, 1, input, output, options.EstimateCost(input, output));
    }
}
