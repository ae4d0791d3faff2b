using System.Net.Http.Headers;
using AgentOps.Tools.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace AgentOps.Tools.Prometheus;

internal static class PrometheusServiceCollectionExtensions
{
    /// <summary>
    /// Registers the Prometheus API client: base URL and token from <c>AgentOps:Prometheus</c>, and a resilience
    /// pipeline of total timeout, retry and per-attempt timeout. Retrying is safe because every call is a GET.
    /// </summary>
    public static IServiceCollection AddPrometheusApi(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<PrometheusOptions>()
            .Bind(configuration.GetSection(PrometheusOptions.SectionName))
            .Validate(o => TryBaseAddress(o.BaseUrl, out _), "AgentOps:Prometheus:BaseUrl must be an absolute http(s) URL, e.g. http://127.0.0.1:9090/.")
            .Validate(o => o.TotalTimeout >= o.AttemptTimeout, "AgentOps:Prometheus:TotalTimeout must be at least AttemptTimeout.")
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PrometheusOptions>, PrometheusOptionsValidator>());
        services.TryAddTransient<BearerTokenHandler>();

        var http = services.AddHttpClient<PrometheusApi>((sp, client) =>
        {
            var options = sp.GetRequiredService<IOptions<PrometheusOptions>>().Value;
            TryBaseAddress(options.BaseUrl, out var baseAddress);
            client.BaseAddress = baseAddress;
            // A backstop only: the resilience pipeline's total timeout is the one that should fire.
            client.Timeout = options.TotalTimeout + TimeSpan.FromSeconds(5);
            client.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        });
        // No redirects: a redirect to another host would carry the bearer token along.
        http.ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false, PooledConnectionLifetime = TimeSpan.FromMinutes(5) });
        http.AddResilienceHandler("prometheus-read", static (pipeline, context) =>
        {
            var options = context.ServiceProvider.GetRequiredService<IOptions<PrometheusOptions>>().Value;
            BackendResilience.AddReadRetries(pipeline, options.TotalTimeout, options.MaxRetries, options.RetryDelay, options.AttemptTimeout);
        });
        // Added after the resilience handler, so it sits inside it: every attempt carries the token as it is now.
        http.AddHttpMessageHandler<BearerTokenHandler>();
        return services;
    }

    // A trailing slash keeps a path prefix (http://host/prometheus/) when relative API paths are resolved against it.
    private static bool TryBaseAddress(string? baseUrl, out Uri? address)
    {
        address = null;
        if (string.IsNullOrWhiteSpace(baseUrl) || !Uri.TryCreate(baseUrl.Trim(), UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            return false;
        }
        address = uri.AbsoluteUri.EndsWith('/') ? uri : new Uri(uri.AbsoluteUri + "/");
        return true;
    }
}
