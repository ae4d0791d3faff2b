using AgentOps.Tools.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace AgentOps.Tools.ArgoCD;

internal static class ArgoCdServiceCollectionExtensions
{
    /// <summary>The configuration key <c>--argocd-url URL</c> lands on (unmapped switches keep their own name).</summary>
    public const string BaseUrlSwitch = "argocd-url";

    /// <summary>
    /// Registers <see cref="ArgoCdClient"/> on <see cref="IHttpClientFactory"/> with a resilience pipeline: a total
    /// timeout, retries with exponential back-off for reads only (GET), and a timeout per attempt. A sync or rollback
    /// is never sent twice: the first may have started an operation even when its answer was lost.
    /// </summary>
    public static IServiceCollection AddArgoCdClient(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<ArgoCdOptions>()
            .Bind(configuration.GetSection(ArgoCdOptions.SectionName))
            .PostConfigure(o =>
            {
                if (string.IsNullOrWhiteSpace(o.BaseUrl))
                {
                    o.BaseUrl = configuration[BaseUrlSwitch] ?? string.Empty;
                }
                if (string.IsNullOrWhiteSpace(o.Token))
                {
                    o.Token = configuration[ArgoCdOptions.TokenEnvironmentVariable] ?? string.Empty;
                }
            })
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ArgoCdOptions>, ArgoCdOptionsValidator>());

        var http = services.AddHttpClient<ArgoCdClient>((sp, client) =>
        {
            var options = sp.GetRequiredService<IOptions<ArgoCdOptions>>().Value;
            client.BaseAddress = options.ApiRoot;
            // A backstop only: the pipeline's timeouts fire first, and this one also bounds reading the body.
            client.Timeout = options.TotalTimeout + TimeSpan.FromSeconds(5);
            client.MaxResponseContentBufferSize = 64 * 1024 * 1024;
        });
        // At Trace the factory's logging prints request headers; none of them, the bearer token least of all, may show.
        http.RedactLoggedHeaders(static _ => true);
        http.AddResilienceHandler("argocd", static (pipeline, context) =>
        {
            var options = context.ServiceProvider.GetRequiredService<IOptions<ArgoCdOptions>>().Value;
            BackendResilience.AddReadRetries(pipeline, options.TotalTimeout, options.MaxRetries, options.RetryDelay, options.AttemptTimeout);
        });
        // Added after the resilience handler, so it sits inside it and sees each attempt.
        http.AddHttpMessageHandler(() => new AttemptCountingHandler());

        services.TryAddSingleton<ApplicationViews>();
        services.TryAddSingleton<ManifestDiff>();
        return services;
    }
}
