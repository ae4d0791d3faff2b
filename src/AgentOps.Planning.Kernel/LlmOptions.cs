namespace AgentOps.Planning.Kernel;

/// <summary>
/// <c>AgentOps:Llm</c>. With no <see cref="Endpoint"/> (and no <see cref="Provider"/> of <c>openai</c>) no model is
/// configured and the runbook planner plans alone. The key is never read from appsettings.json: it comes from the
/// environment variable named by <see cref="ApiKeyVariable"/> or from .NET user secrets (<c>AgentOps:Llm:ApiKey</c>).
/// </summary>
public sealed class LlmOptions
{
    public const string Section = "AgentOps:Llm";

    /// <summary><c>openai</c> (api.openai.com unless <see cref="Endpoint"/> says otherwise), <c>azure-openai</c>, or
    /// <c>openai-compatible</c> (Ollama, vLLM, LM Studio: any server speaking the chat-completions API).</summary>
    public string Provider { get; set; } = "openai-compatible";

    /// <summary>Base URL: <c>http://localhost:11434/v1</c> for Ollama, <c>https://&lt;resource&gt;.openai.azure.com/</c> for Azure.</summary>
    public Uri? Endpoint { get; set; }

    /// <summary>Model id, or for Azure OpenAI the deployment name.</summary>
    public string Model { get; set; } = "gpt-4o-mini";

    /// <summary>The environment variable holding the API key; Ollama and vLLM need none.</summary>
    public string ApiKeyVariable { get; set; } = "AGENTOPS_LLM_API_KEY";

    /// <summary>Time allowed for one call to the endpoint, each retry included separately.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Retries after a 429, a 5xx or a timeout, with exponential backoff honouring Retry-After.</summary>
    public int MaxRetries { get; set; } = 2;

    /// <summary>First backoff delay; doubled each retry (with jitter).</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>After this many failed calls in a row the endpoint is not called for <see cref="BreakDuration"/>.</summary>
    public int BreakAfterFailures { get; set; } = 5;

    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>US dollars per million input tokens, for the cost estimate; null leaves the cost unknown.</summary>
    public decimal? InputPricePerMillionTokens { get; set; }

    /// <summary>US dollars per million output tokens.</summary>
    public decimal? OutputPricePerMillionTokens { get; set; }

    /// <summary>Model calls one planning may make, the first answer and any repair of it included.</summary>
    public int MaxPlanningCalls { get; set; } = 2;

    public bool IsConfigured => Endpoint is not null || string.Equals(Provider, "openai", StringComparison.OrdinalIgnoreCase);

    public decimal? EstimateCost(long inputTokens, long outputTokens) =>
        InputPricePerMillionTokens is null && OutputPricePerMillionTokens is null
            ? null
            : ((InputPricePerMillionTokens ?? 0) * inputTokens + (OutputPricePerMillionTokens ?? 0) * outputTokens) / 1_000_000m;
}
