using k8s;
using Microsoft.Extensions.Configuration;

namespace AgentOps.Tools.Crossplane;

/// <summary>
/// The optional cluster behind <c>claim_status</c>: a kubeconfig (and context) or the in-cluster service account.
/// Without either, the server still renders and validates claims; it just cannot read their status.
/// </summary>
internal static class ClusterConnection
{
    public static IKubernetes? FromConfiguration(IConfiguration configuration)
    {
        // "--kubeconfig FILE" on the command line lands under the plain key "kubeconfig".
        var kubeconfig = configuration["AgentOps:Crossplane:Kubeconfig"] ?? configuration["kubeconfig"];
        var context = configuration["AgentOps:Crossplane:Context"] ?? configuration["context"];
        if (configuration.GetValue<bool>("AgentOps:Crossplane:InCluster"))
        {
            return new Kubernetes(KubernetesClientConfiguration.InClusterConfig());
        }
        if (string.IsNullOrWhiteSpace(kubeconfig))
        {
            return null;
        }
        if (!File.Exists(kubeconfig))
        {
            throw new InvalidOperationException($"AgentOps:Crossplane:Kubeconfig: '{kubeconfig}' does not exist.");
        }
        return new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(kubeconfig, context));
    }
}
