using System.Diagnostics;
using AgentOps.Guardrails;
using AgentOps.Guardrails.Injection;
using AgentOps.Guardrails.Policy;

namespace AgentOps.Benchmarks.Guardrails;

/// <summary>
/// <c>text-screen</c>: what the L1 injection screen costs per request and per tool output (every pattern, the quoted
/// mentions rule and the trained scorer), beside the trained scorer alone on the same text, the part of the screen
/// that does not grow with the number of patterns (the baseline). The two take turns in blocks so that noise on the
/// shared machine falls on both. Measured in the steady state of a long-lived process: after a warm-up, with the
/// joined automaton built and every pattern on the linear engine.
/// </summary>
internal static class TextScreenBenchmark
{
    private static readonly (string Name, ScanChannel Channel, string Text)[] s_texts =
    [
        ("README request", ScanChannel.Request, "I need a PostgreSQL database for my new service payments-api, small size, EU region, with daily backups"),
        ("request with a quotation", ScanChannel.Request, "Our WAF logged \"ignore the staging namespace\" as suspicious yesterday; can you open a PR that scales checkout to 4 replicas in staging?"),
        ("pod log, 6 lines", ScanChannel.ToolOutput, string.Join('\n',
            "2026-11-30T10:02:11Z INFO checkout-api request id=7f3a latency_ms=512 status=200 path=/api/cart user=u-4411",
            "2026-11-30T10:02:12Z WARN checkout-api upstream cart-svc:8080 slow \"GET /api/cart\" 812ms",
            "2026-11-30T10:02:12Z INFO checkout-api cache miss key=cart:u-4411 ttl=30s",
            "2026-11-30T10:02:13Z ERROR checkout-api payment-service timeout after 500ms, retrying (attempt 2/3)",
            "2026-11-30T10:02:14Z INFO checkout-api request id=7f3b latency_ms=488 status=200 path=/api/checkout",
            "2026-11-30T10:02:15Z INFO checkout-api admin endpoint /healthz ok")),
        ("alert annotations", ScanChannel.ToolOutput, "{\"labels\":{\"alertname\":\"PaymentLatencyHigh\",\"service\":\"payment-service\",\"severity\":\"critical\"},\"annotations\":{\"summary\":\"payment-service p99 latency > 500ms\",\"description\":\"p99 latency has been above 500ms for 10 minutes; see the runbook: restart is safe, DROP TABLE is not.\"}}"),
    ];

    public static async Task<int> RunAsync(IReadOnlyList<string> args)
    {
        var scans = GuardrailLatencyBenchmark.IntOption(args, "--scans", 20_000);
        var warmup = GuardrailLatencyBenchmark.IntOption(args, "--warmup", 5_000);
        const int Block = 1_000;
        var policy = GuardrailPolicy.Load(Path.Combine(AppContext.BaseDirectory, "guardrails"));
        var classifier = policy.Classifier ?? throw new InvalidOperationException("guardrails/injection.yaml has no classifier");
        var screen = new TextScreen(policy);
        var load = BenchmarkReport.LoadAverage();
        foreach (var (_, channel, text) in s_texts)
        {
            for (var i = 0; i < warmup; i++)
            {
                screen.Scan(text, channel);
            }
        }
        var automatonReady = await screen.Automaton.Ready.WaitAsync(TimeSpan.FromSeconds(60));
        screen.PromotePatterns();

        Console.WriteLine($"text-screen: {scans:N0} scans per text (after {warmup:N0} warm-up each), one thread; joined automaton built: {automatonReady}");
        Console.WriteLine($"load average before: {load}; {Environment.ProcessorCount} cores; {policy.InjectionPatterns.Count} injection patterns");
        Console.WriteLine();
        Console.WriteLine("| text | channel | trained scorer alone (baseline) | whole screen | ratio | verdict |");
        Console.WriteLine("|---|---|---|---|---|---|");
        foreach (var (name, channel, text) in s_texts)
        {
            // The scorer reads normalised text; these texts are plain ASCII without leetspeak, which normalising returns
            // as they are.
            var normalised = text;
            long screenTicks = 0, scorerTicks = 0;
            var verdict = ScanVerdict.Allow;
            var sink = 0.0;
            for (var done = 0; done < scans; done += Block)
            {
                var start = Stopwatch.GetTimestamp();
                for (var i = 0; i < Block; i++)
                {
                    verdict = screen.Scan(text, channel).Verdict;
                }
                screenTicks += Stopwatch.GetTimestamp() - start;
                start = Stopwatch.GetTimestamp();
                for (var i = 0; i < Block; i++)
                {
                    sink += classifier.Model.Score(normalised).Probability;
                }
                scorerTicks += Stopwatch.GetTimestamp() - start;
            }
            var screenMean = screenTicks * 1e6 / Stopwatch.Frequency / scans;
            var scorerMean = scorerTicks * 1e6 / Stopwatch.Frequency / scans;
            Console.WriteLine($"| {name} | {ScanChannels.Name(channel)} | {BenchmarkReport.Micro(scorerMean)} | {BenchmarkReport.Micro(screenMean)} | {BenchmarkReport.Ratio(screenMean, scorerMean)} | {verdict.ToString().ToLowerInvariant()} |");
            GC.KeepAlive(sink);
        }
        Console.WriteLine($"load average after: {BenchmarkReport.LoadAverage()}");
        return 0;
    }
}
