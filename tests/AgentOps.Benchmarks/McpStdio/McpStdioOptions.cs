using System.Globalization;
using AgentOps.Testing;

namespace AgentOps.Benchmarks.McpStdio;

/// <summary>
/// <c>mcp-stdio [--calls N] [--warmup N] [--cold N] [--pace MS] [--kubectl LABEL=PATH]... [--go PATH] [--protocol VERSION]</c>.
/// A <c>--kubectl</c> path is a <c>.dll</c> (started with <c>dotnet</c>, as the CLI starts our servers) or an executable
/// (an apphost or a native build); several may be given to compare builds in one run. <c>--pace</c> waits that long
/// between rounds of warm calls: client-go, inside the Go server, limits itself to 5 API requests a second (burst 10),
/// so back-to-back calls measure its rate limiter, and paced calls (250 ms) measure the call itself.
/// </summary>
internal sealed record McpStdioOptions(
    int Calls,
    int WarmUp,
    int ColdStarts,
    TimeSpan Pace,
    IReadOnlyList<(string Label, string Path)> Kubectl,
    string GoServer,
    string ProtocolVersion)
{
    public const string GoBinary = "kubernetes-mcp-server-linux-amd64/bin/kubernetes-mcp-server-linux-amd64";

    public static McpStdioOptions Parse(IReadOnlyList<string> args)
    {
        int calls = 500, warmUp = 50, cold = 15, pace = 0;
        var kubectl = new List<(string, string)>();
        string? go = null;
        var protocol = "2025-06-18";
        for (var i = 0; i < args.Count; i++)
        {
            var value = i + 1 < args.Count ? args[i + 1] : throw new ArgumentException($"{args[i]} needs a value.");
            switch (args[i])
            {
                case "--calls": calls = Positive(args[i], value); break;
                case "--warmup": warmUp = Positive(args[i], value); break;
                case "--cold": cold = Positive(args[i], value); break;
                case "--pace": pace = Positive(args[i], value); break;
                case "--go": go = Path.GetFullPath(value); break;
                case "--protocol": protocol = value; break;
                case "--kubectl":
                    var split = value.Split('=', 2);
                    kubectl.Add(split.Length == 2 ? (split[0], Path.GetFullPath(split[1])) : ("kubectl", Path.GetFullPath(value)));
                    break;
                default: throw new ArgumentException($"Unknown option {args[i]}.");
            }
            i++;
        }
        if (kubectl.Count == 0)
        {
            kubectl.Add(("kubectl (Release build)", DefaultKubectl()));
        }
        if (go is not null && !File.Exists(go))
        {
            throw new ArgumentException($"--go: {go} does not exist.");
        }
        foreach (var (label, path) in kubectl)
        {
            if (!File.Exists(path))
            {
                throw new ArgumentException($"{label}: {path} does not exist; build or publish it first (tests/AgentOps.Benchmarks/mcp-stdio.sh does both).");
            }
        }
        return new McpStdioOptions(calls, warmUp, cold, TimeSpan.FromMilliseconds(pace), kubectl, go ?? NpmTools.PackagePath(GoBinary), protocol);
    }

    private static int Positive(string name, string value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : throw new ArgumentException($"{name} must be a positive integer.");

    private static string DefaultKubectl()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "AgentOps.sln")))
            {
                return Path.Combine(directory.FullName, "tools", "AgentOps.Tools.Kubectl", "bin", "Release", "net10.0", "AgentOps.Tools.Kubectl.dll");
            }
        }
        throw new ArgumentException($"No AgentOps.sln above {AppContext.BaseDirectory}; pass --kubectl PATH.");
    }
}
