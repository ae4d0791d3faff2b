using System.Net;

namespace AgentOps.Tools.Kubectl;

/// <summary>The API server answered with an error status; <see cref="Content"/> is its body (usually a Status object).</summary>
internal sealed class KubernetesApiException(HttpStatusCode status, string? content)
    : Exception($"the Kubernetes API answered {(int)status} {status}")
{
    public HttpStatusCode Status { get; } = status;

    public string? Content { get; } = content;
}
