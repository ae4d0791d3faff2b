using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using AgentOps.Identity;
using AgentOps.Testing;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace AgentOps.Benchmarks.McpStdio;

/// <summary>
/// Our Kubectl server against the Go <c>kubernetes-mcp-server</c>, on the same fake Kubernetes API, driven by the same
/// C# MCP client in one run: <c>tools/call</c> round trip of <c>namespaces_list</c> over stdio (p50, p99) and cold start
/// (process start to first result). Servers take turns, call by call and start by start, so machine noise lands on all.
/// Our calls each carry a freshly minted single-use token; minting it is counted in our round trip.
/// </summary>
internal static class McpStdioBenchmark
{
    public const string Tool = "namespaces_list";
    private const string KubectlServerId = "spiffe://agentops.local/tool/kubectl";
    private static readonly TimeSpan s_callTimeout = TimeSpan.FromSeconds(30);

    public static async Task<int> RunAsync(IReadOnlyList<string> args)
    {
        McpStdioOptions options;
        try
        {
            options = McpStdioOptions.Parse(args);
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
        {
            await Console.Error.WriteLineAsync(ex.Message);
            return 2;
        }
        var root = Directory.CreateTempSubdirectory("agentops-mcp-stdio-").FullName;
        try
        {
            using var api = FakeKubernetesApi.Start();
            var kubeconfig = api.WriteKubeconfig(Path.Combine(root, "kubeconfig"));
            using var keys = SigningKeyStore.OpenOrCreate(Path.Combine(root, "keys"), TimeProvider.System);
            var tokens = new StepTokens(new CredentialBroker(keys, TimeProvider.System, new BrokerOptions()), KubectlServerId, "k8s:read:cluster");
            var servers = options.Kubectl
                .Select(k => Ours(k.Label, k.Path, keys.JwksPath, root, kubeconfig, tokens))
                .Append(new ServerUnderTest("kubernetes-mcp-server 0.0.67 (Go)", options.GoServer, ["--read-only", "--list-output", "yaml", "--kubeconfig", kubeconfig], Tool, mintToken: null))
                .ToArray();
            var loadBefore = LoadAverage();
            await ColdStartsAsync(servers, options).ConfigureAwait(false);
            await WarmCallsAsync(servers, options).ConfigureAwait(false);
            Report(servers, options, loadBefore, LoadAverage());
            return 0;
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static ServerUnderTest Ours(string label, string path, string jwks, string root, string kubeconfig, StepTokens tokens)
    {
        string[] arguments = ["--jwks", jwks, "--data-dir", Path.Combine(root, "data"), "--server-id", KubectlServerId, "--kubeconfig", kubeconfig, "--read-only"];
        return path.EndsWith(".dll", StringComparison.OrdinalIgnoreCase)
            ? new ServerUnderTest(label, "dotnet", [path, .. arguments], Tool, tokens.Next)
            : new ServerUnderTest(label, path, arguments, Tool, tokens.Next);
    }

    private static McpClientOptions ClientOptions(McpStdioOptions options) => new()
    {
        ClientInfo = new Implementation { Name = "agentops-benchmark", Version = "0.1.0" },
        // One released protocol for both: a plain initialize, no probe for a newer one.
        ProtocolVersion = options.ProtocolVersion,
    };

    private static async Task ColdStartsAsync(ServerUnderTest[] servers, McpStdioOptions options)
    {
        // One unmeasured start each first: the first start of a build reads its files from disk, later ones from cache,
        // and the measured starts should all be the same kind.
        foreach (var server in servers)
        {
            await ColdStartAsync(server, options).ConfigureAwait(false);
        }
        for (var round = 0; round < options.ColdStarts; round++)
        {
            foreach (var server in Rotate(servers, round))
            {
                if (await ColdStartAsync(server, options).ConfigureAwait(false) is { } elapsed)
                {
                    server.ColdStart.Add(elapsed);
                }
            }
        }
    }

    private static async Task<TimeSpan?> ColdStartAsync(ServerUnderTest server, McpStdioOptions options)
    {
        using var timeout = new CancellationTokenSource(s_callTimeout);
        var started = Stopwatch.GetTimestamp();
        var client = await McpClient.CreateAsync(server.Transport(), ClientOptions(options), cancellationToken: timeout.Token).ConfigureAwait(false);
        try
        {
            await server.CallAsync(client, timeout.Token).ConfigureAwait(false);
            return Stopwatch.GetElapsedTime(started);
        }
        catch (ToolCallFailedException ex)
        {
            server.Failures.Add("cold start: " + ex.Message);
            return null;
        }
        finally
        {
            await client.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static async Task WarmCallsAsync(ServerUnderTest[] servers, McpStdioOptions options)
    {
        var clients = new McpClient[servers.Length];
        try
        {
            for (var i = 0; i < servers.Length; i++)
            {
                clients[i] = await McpClient.CreateAsync(servers[i].Transport(), ClientOptions(options)).ConfigureAwait(false);
            }
            for (var round = 0; round < options.WarmUp + options.Calls; round++)
            {
                if (options.Pace > TimeSpan.Zero)
                {
                    await Task.Delay(options.Pace).ConfigureAwait(false);
                }
                foreach (var i in Rotate(Enumerable.Range(0, servers.Length).ToArray(), round))
                {
                    using var timeout = new CancellationTokenSource(s_callTimeout);
                    try
                    {
                        var (mint, call) = await servers[i].CallAsync(clients[i], timeout.Token).ConfigureAwait(false);
                        if (round >= options.WarmUp)
                        {
                            servers[i].RoundTrip.Add(mint + call);
                            servers[i].CallOnly.Add(call);
                        }
                    }
                    catch (ToolCallFailedException ex)
                    {
                        servers[i].Failures.Add("warm call: " + ex.Message);
                    }
                }
            }
        }
        finally
        {
            foreach (var client in clients.Where(c => c is not null))
            {
                await client.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private static IEnumerable<T> Rotate<T>(T[] items, int round) => items.Skip(round % items.Length).Concat(items.Take(round % items.Length));

    private static void Report(ServerUnderTest[] servers, McpStdioOptions options, string loadBefore, string loadAfter)
    {
        var go = servers[^1];
        Console.WriteLine($"MCP stdio benchmark: {Tool} over stdio, one C# MCP client (ModelContextProtocol), protocol {options.ProtocolVersion}, fake Kubernetes API on 127.0.0.1");
        Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription}; load average before {loadBefore}, after {loadAfter}");
        var pace = options.Pace > TimeSpan.Zero ? $", {options.Pace.TotalMilliseconds:0} ms between rounds" : ", back to back";
        Console.WriteLine($"warm: {options.Calls} timed calls per server after {options.WarmUp} warm-up calls, servers taking turns{pace}; cold: {options.ColdStarts} starts per server after one unmeasured start, taking turns");
        Console.WriteLine();
        Console.WriteLine("| server | round trip p50 | round trip p99 | of which the call (p50 / p99) | cold start median | cold start min / max | failed calls |");
        Console.WriteLine("|---|---|---|---|---|---|---|");
        foreach (var server in servers)
        {
            Console.WriteLine($"| {server.Label} | {Stat(server.RoundTrip, s => s.Median)} | {Stat(server.RoundTrip, s => s.Percentile(99))} | " +
                $"{Stat(server.CallOnly, s => s.Median)} / {Stat(server.CallOnly, s => s.Percentile(99))} | {Stat(server.ColdStart, s => s.Median)} | " +
                $"{Stat(server.ColdStart, s => s.Min)} / {Stat(server.ColdStart, s => s.Max)} | {server.Failures.Count} |");
        }
        Console.WriteLine();
        foreach (var server in servers[..^1].Where(s => s.RoundTrip.Count > 0 && s.ColdStart.Count > 0 && go.RoundTrip.Count > 0 && go.ColdStart.Count > 0))
        {
            // The target is on the tools/call round trip. Minting the single-use token is the client's work before the
            // call (the Go server takes none), so it is reported beside it rather than hidden in either number.
            var call = server.CallOnly.Median / go.CallOnly.Median;
            var withMinting = server.RoundTrip.Median / go.RoundTrip.Median;
            var cold = server.ColdStart.Median / go.ColdStart.Median;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{server.Label}: tools/call p50 {call:0.00}x the Go server's (target <= 1.00: {(call <= 1 ? "met" : "missed")}; " +
                $"{withMinting:0.00}x counting the client's minting of our token), cold start {cold:0.00}x (target <= 2.00: {(cold <= 2 ? "met" : "missed")})"));
        }
        Console.WriteLine();
        foreach (var server in servers)
        {
            Console.WriteLine($"{server.Label}: {server.CommandLine}");
        }
        foreach (var server in servers.Where(s => s.Failures.Count > 0))
        {
            Console.WriteLine();
            Console.WriteLine($"{server.Label}: {server.Failures.Count} failed call(s), left out of the timings:");
            foreach (var (failure, count) in server.Failures.CountBy(f => f))
            {
                Console.WriteLine($"  {count} x {failure}");
            }
        }
    }

    private static string Stat(Samples samples, Func<Samples, double> statistic) => samples.Count == 0 ? "n/a" : Samples.Ms(statistic(samples));

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
}
