using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace AgentOps.Tools.Kubectl;

internal static class KubectlServiceCollectionExtensions
{
    /// <summary>Options (validated at start-up), the lazily built client, the resilient backend and the output cleaning.</summary>
    public static IServiceCollection AddKubectlBackend(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<KubectlOptions>().Bind(configuration.GetSection(KubectlOptions.SectionName))
            .Validate(o => o.MaxReplicas >= 0, "AgentOps:Kubectl:MaxReplicas (--max-replicas) must be 0 or more.")
            .Validate(o => o.TimeoutSeconds is > 0 and <= 600, "AgentOps:Kubectl:TimeoutSeconds (--timeout-seconds) must be more than 0 and at most 600.")
            .Validate(o => o.ReadRetries is >= 0 and <= 10, "AgentOps:Kubectl:ReadRetries must be between 0 and 10.")
            .Validate(o => o.MaxLogBytes is >= 1024 and <= 16 * 1024 * 1024, "AgentOps:Kubectl:MaxLogBytes must be between 1 KiB and 16 MiB.")
            .Validate(o => !(o.InCluster && !string.IsNullOrEmpty(o.Kubeconfig)), "Give either --in-cluster or --kubeconfig, not both.")
            .ValidateOnStart();
        services.TryAddSingleton(sp => sp.GetRequiredService<IOptions<KubectlOptions>>().Value);
        services.TryAddSingleton<KubernetesConnection>();
        services.TryAddSingleton<KubernetesBackend>();
        services.TryAddSingleton<KubernetesResources>();
        services.TryAddSingleton<KubernetesObjectHygiene>();
        services.TryAddSingleton<KubernetesSummaries>();
        services.AddHostedService<KubernetesWarmUp>();
        return services;
    }
}
