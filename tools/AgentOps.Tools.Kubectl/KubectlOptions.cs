namespace AgentOps.Tools.Kubectl;

/// <summary>How the Kubectl server reaches its cluster and what it may change there. Bound from <c>AgentOps:Kubectl</c>.</summary>
public sealed class KubectlOptions
{
    public const string SectionName = "AgentOps:Kubectl";

    /// <summary>
    /// Path of the kubeconfig (<c>--kubeconfig</c>). <value>Default: none; then <c>KUBECONFIG</c>, <c>~/.kube/config</c>
    /// or the in-cluster service account, as kubectl would pick.</value>
    /// </summary>
    public string? Kubeconfig { get; set; }

    /// <summary>Kubeconfig context to use (<c>--context</c>). <value>Default: the kubeconfig's current-context.</value></summary>
    public string? Context { get; set; }

    /// <summary>Use the pod's service account (<c>--in-cluster</c>) and ignore any kubeconfig. <value>Default: false.</value></summary>
    public bool InCluster { get; set; }

    /// <summary>
    /// Allow <c>deployment_scale</c> and <c>rollout_restart</c> (<c>--allow-writes</c>). Even then each call needs its
    /// own scope, and <c>--read-only</c> still refuses them. <value>Default: false: writes are refused.</value>
    /// </summary>
    public bool AllowWrites { get; set; }

    /// <summary>The most replicas <c>deployment_scale</c> will set (<c>--max-replicas</c>). <value>Default: 20.</value></summary>
    public int MaxReplicas { get; set; } = 20;

    /// <summary>
    /// Deadline of one tool call's Kubernetes request, retries included (<c>--timeout-seconds</c>).
    /// <value>Default: 10 seconds.</value>
    /// </summary>
    public double TimeoutSeconds { get; set; } = 10;

    /// <summary>Retries of a read that failed with a connection error, 429 or 5xx. Writes are never retried. <value>Default: 2.</value></summary>
    public int ReadRetries { get; set; } = 2;

    /// <summary>The most bytes of log <c>pod_logs</c> returns; longer logs keep their end. <value>Default: 65536.</value></summary>
    public int MaxLogBytes { get; set; } = 64 * 1024;

    public TimeSpan Timeout => TimeSpan.FromSeconds(TimeoutSeconds);
}
