namespace AgentOps.Tools.Prometheus;

/// <summary>
/// Command-line switches of this server, on top of the shared ones: <c>--prometheus-url URL</c> and
/// <c>--prometheus-token-file FILE</c>. The token itself has no switch: a command line is visible to every local user.
/// </summary>
internal static class PrometheusSwitches
{
    private static readonly Dictionary<string, string> s_map = new(StringComparer.Ordinal)
    {
        ["--prometheus-url"] = "AgentOps:Prometheus:BaseUrl",
        ["--prometheus-token-file"] = "AgentOps:Prometheus:TokenFile",
    };

    public static IEnumerable<KeyValuePair<string, string?>> Read(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        for (var i = 0; i < args.Length; i++)
        {
            var (name, inline) = args[i].IndexOf('=', StringComparison.Ordinal) is var eq and > 0 ? (args[i][..eq], args[i][(eq + 1)..]) : (args[i], null);
            if (!s_map.TryGetValue(name, out var key))
            {
                continue;
            }
            var value = inline ?? (i + 1 < args.Length ? args[++i] : throw new InvalidOperationException($"{name} needs a value."));
            yield return KeyValuePair.Create<string, string?>(key, value);
        }
    }
}
