using k8s;
using k8s.Exceptions;
using ModelContextProtocol;

namespace AgentOps.Tools.Kubectl;

/// <summary>
/// The one API server connection of this process, built on first use: reading a kubeconfig is the costliest step of a
/// cold start and a server that is only asked for <c>tools/list</c> never needs it. A configuration problem (no
/// kubeconfig, unknown context) becomes a clear tool error on every call instead of a server that will not start.
/// </summary>
internal sealed class KubernetesConnection(KubectlOptions options) : IDisposable
{
    private readonly Lazy<(KubernetesRest Client, string Server)> _client = new(() => Connect(options), LazyThreadSafetyMode.ExecutionAndPublication);

    public KubernetesRest Client => _client.Value.Client;

    /// <summary>The API server's URL, named in every error so that it is clear which backend failed.</summary>
    public string Server => _client.IsValueCreated ? _client.Value.Server : "(not connected)";

    /// <summary>Builds the client now, off the request path. Errors are kept for the first call to report.</summary>
    public void WarmUp()
    {
        try
        {
            _ = _client.Value;
        }
        catch (McpException)
        {
        }
    }

    public void Dispose()
    {
        if (_client.IsValueCreated)
        {
            _client.Value.Client.Dispose();
        }
    }

    private static (KubernetesRest, string) Connect(KubectlOptions options)
    {
        KubernetesClientConfiguration config;
        try
        {
            config = options.InCluster
                ? KubernetesClientConfiguration.InClusterConfig()
                : options.Kubeconfig is { Length: > 0 } path
                    ? KubernetesClientConfiguration.BuildConfigFromConfigFile(ExpandHome(path), options.Context)
                    : options.Context is { Length: > 0 } context
                        ? KubernetesClientConfiguration.BuildConfigFromConfigFile(currentContext: context)
                        : KubernetesClientConfiguration.BuildDefaultConfig();
        }
        catch (Exception ex) when (ex is KubeConfigException or IOException or UnauthorizedAccessException or ArgumentException or FormatException or InvalidOperationException)
        {
            throw new McpException($"Kubernetes configuration could not be loaded ({Describe(options)}): {ex.Message}", ex);
        }
        try
        {
            // The per-call deadline is the resilience pipeline's; the HttpClient's own timeout only backs it up.
            var http = KubernetesHttp.CreateClient(config, options.Timeout + TimeSpan.FromSeconds(5), "agentops-kubectl/0.1");
            return (new KubernetesRest(http), config.Host);
        }
        catch (Exception ex) when (ex is InvalidOperationException or FormatException or IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
        {
            throw new McpException($"Kubernetes client credentials could not be loaded ({Describe(options)}): {ex.Message}", ex);
        }
    }

    private static string Describe(KubectlOptions options) =>
        options.InCluster ? "in-cluster service account" : $"kubeconfig {options.Kubeconfig ?? "(default)"}, context {options.Context ?? "(current)"}";

    private static string ExpandHome(string path) =>
        path.StartsWith("~/", StringComparison.Ordinal) ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), path[2..]) : path;
}
