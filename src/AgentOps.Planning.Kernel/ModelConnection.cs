using System.ClientModel;
using System.ClientModel.Primitives;
using Azure.AI.OpenAI;
using Microsoft.SemanticKernel;
using OpenAI;

namespace AgentOps.Planning.Kernel;

/// <summary>
/// Builds the Semantic Kernel for the configured endpoint: OpenAI, Azure OpenAI, or any OpenAI-compatible server.
/// Every request goes through <see cref="LlmResilienceHandler"/>; the SDK's own retries are off.
/// </summary>
public static class ModelConnection
{
    /// <param name="apiKey">From the environment or user secrets; Ollama and vLLM accept any value, so none becomes a placeholder.</param>
    /// <param name="transport">The innermost handler; tests pass none and talk to a loopback server.</param>
    public static Microsoft.SemanticKernel.Kernel CreateKernel(LlmOptions options, string? apiKey, TimeProvider timeProvider, HttpMessageHandler? transport = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!options.IsConfigured)
        {
            throw new InvalidOperationException("No model endpoint is configured (AgentOps:Llm:Endpoint).");
        }
        // The HttpClient's own timeout would cut across retries; each attempt has its timeout in the pipeline instead.
        var http = new HttpClient(new LlmResilienceHandler(options, timeProvider, transport ?? new SocketsHttpHandler()), disposeHandler: true)
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
        var credential = new ApiKeyCredential(string.IsNullOrEmpty(apiKey) ? "no-key" : apiKey);
        var builder = Microsoft.SemanticKernel.Kernel.CreateBuilder();
        switch (options.Provider.ToLowerInvariant())
        {
            case "azure-openai":
                var azure = new AzureOpenAIClient(options.Endpoint ?? throw new InvalidOperationException("Azure OpenAI needs AgentOps:Llm:Endpoint."), credential,
                    new AzureOpenAIClientOptions { Transport = new HttpClientPipelineTransport(http), RetryPolicy = new ClientRetryPolicy(0), NetworkTimeout = Timeout.InfiniteTimeSpan });
                builder.AddAzureOpenAIChatCompletion(options.Model, azure);
                break;
            case "openai":
            case "openai-compatible":
                var client = new OpenAIClient(credential, new OpenAIClientOptions
                {
                    Endpoint = options.Endpoint,
                    Transport = new HttpClientPipelineTransport(http),
                    RetryPolicy = new ClientRetryPolicy(0),
                    NetworkTimeout = Timeout.InfiniteTimeSpan,
                });
                builder.AddOpenAIChatCompletion(options.Model, client);
                break;
            default:
                throw new InvalidOperationException($"AgentOps:Llm:Provider '{options.Provider}' is not one of openai, azure-openai, openai-compatible.");
        }
        return builder.Build();
    }
}
