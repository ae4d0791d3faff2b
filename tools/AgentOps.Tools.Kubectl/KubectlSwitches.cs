namespace AgentOps.Tools.Kubectl;

/// <summary>The Kubectl server's own command-line switches, mapped onto <see cref="KubectlOptions"/>.</summary>
internal static class KubectlSwitches
{
    public static readonly Dictionary<string, string> Map = new(StringComparer.Ordinal)
    {
        ["--kubeconfig"] = $"{KubectlOptions.SectionName}:{nameof(KubectlOptions.Kubeconfig)}",
        ["--context"] = $"{KubectlOptions.SectionName}:{nameof(KubectlOptions.Context)}",
        ["--in-cluster"] = $"{KubectlOptions.SectionName}:{nameof(KubectlOptions.InCluster)}",
        ["--allow-writes"] = $"{KubectlOptions.SectionName}:{nameof(KubectlOptions.AllowWrites)}",
        ["--max-replicas"] = $"{KubectlOptions.SectionName}:{nameof(KubectlOptions.MaxReplicas)}",
        ["--timeout-seconds"] = $"{KubectlOptions.SectionName}:{nameof(KubectlOptions.TimeoutSeconds)}",
    };

    // Every value-less switch, the shared host's included: the configuration provider takes whatever follows a switch
    // as its value, so a bare "--read-only --kubeconfig x" would otherwise swallow "--kubeconfig".
    private static readonly string[] s_flags = ["--allow-writes", "--in-cluster", "--read-only", "--http"];

    /// <summary>Turns each bare flag into <c>--flag=true</c>, leaving flags that already carry a value alone.</summary>
    public static string[] Normalise(string[] args) =>
        args.Select((a, i) => s_flags.Contains(a) && (i + 1 >= args.Length || args[i + 1].StartsWith("--", StringComparison.Ordinal)) ? a + "=true" : a).ToArray();
}
