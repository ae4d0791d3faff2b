using System.Diagnostics;
using AgentOps.Storage;

namespace AgentOps.Benchmarks.Guardrails;

/// <summary>
/// <c>guardrail-latency</c>: the guardrail pipeline's own cost per tool call (L1 input, L2 scope, L3 approval, L5
/// rollback; no tool, no durable audit write), every call timed on its own, beside the JSON Schema evaluation L1 makes
/// of the same arguments (the baseline: the one library call the pipeline cannot do without). The two take turns in
/// blocks so that noise on the shared machine falls on both.
/// </summary>
internal static class GuardrailLatencyBenchmark
{
    public static async Task<int> RunAsync(IReadOnlyList<string> args)
    {
        var calls = IntOption(args, "--calls", 200_000);
        var warmup = IntOption(args, "--warmup", 20_000);
        const int Block = 10_000;
        var root = Directory.CreateTempSubdirectory("agentops-guardrail-latency-").FullName;
        try
        {
            var database = await SqliteDatabase.OpenAsync(Path.Combine(root, "agentops.db"));
            var fixture = new GuardrailFixture(AppContext.BaseDirectory, new SqliteApprovalStore(database));
            var verdict = await fixture.EnsureAllowedAsync();
            if (!fixture.SchemaOnly())
            {
                throw new InvalidOperationException("the baseline's schema evaluation rejects the arguments");
            }
            var load = BenchmarkReport.LoadAverage();
            for (var i = 0; i < warmup; i++)
            {
                await fixture.Pipeline.EvaluateAsync(fixture.Context);
                fixture.SchemaOnly();
            }

            // The warm-up is long enough for the joined injection automaton (of the patterns that weigh on tool
            // arguments, which is all this pipeline screens) to be built in the background, as in any
            // long-lived process; wait for it so that the timed calls do not race its build. Reported either way.
            var automatonStart = Stopwatch.GetTimestamp();
            var automaton = await fixture.Pipeline.Screen.ArgumentAutomaton.Ready.WaitAsync(TimeSpan.FromSeconds(60));
            // Likewise the patterns' own move to the linear engine, which the warm-up has set off for the ones it used.
            fixture.Pipeline.Screen.PromotePatterns();
            var automatonWait = BenchmarkReport.Seconds(automatonStart, Stopwatch.GetTimestamp());

            var pipeline = new LatencySample(calls);
            var baseline = new LatencySample(calls);
            long pipelineWall = 0, baselineWall = 0;
            for (var done = 0; done < calls; done += Block)
            {
                var n = Math.Min(Block, calls - done);
                var start = Stopwatch.GetTimestamp();
                for (var i = 0; i < n; i++)
                {
                    var t0 = Stopwatch.GetTimestamp();
                    var result = await fixture.Pipeline.EvaluateAsync(fixture.Context);
                    pipeline.Add(Stopwatch.GetTimestamp() - t0);
                    if (result.Verdict != AgentOps.Core.Verdict.Allow)
                    {
                        throw new InvalidOperationException("a timed call was not allowed");
                    }
                }
                pipelineWall += Stopwatch.GetTimestamp() - start;
                start = Stopwatch.GetTimestamp();
                for (var i = 0; i < n; i++)
                {
                    var t0 = Stopwatch.GetTimestamp();
                    var valid = fixture.SchemaOnly();
                    baseline.Add(Stopwatch.GetTimestamp() - t0);
                    if (!valid)
                    {
                        throw new InvalidOperationException("a timed schema evaluation failed");
                    }
                }
                baselineWall += Stopwatch.GetTimestamp() - start;
            }
            pipeline.SetWallTime(pipelineWall);
            baseline.SetWallTime(baselineWall);

            // Garbage per call, and collections during the timed calls: a collection is what the slowest calls wait for.
            var gen0Before = GC.CollectionCount(0);
            var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < Block; i++)
            {
                await fixture.Pipeline.EvaluateAsync(fixture.Context);
            }
            var bytesPerCall = (GC.GetAllocatedBytesForCurrentThread() - allocatedBefore) / Block;
            var gen0PerThousand = (GC.CollectionCount(0) - gen0Before) * 1000.0 / Block;

            if (args.Contains("--allocations"))
            {
                // Which types the pipeline allocates (sampled by the runtime; not part of the timed figures).
                using var sampler = new AllocationSampler();
                foreach (var layer in fixture.Layers)
                {
                    sampler.Start();
                    for (var i = 0; i < 20 * Block; i++)
                    {
                        await layer.EvaluateAsync(fixture.Context);
                    }
                    var types = sampler.Stop();
                    Console.WriteLine($"allocations of {layer.Name} (samples of ~100 KB): " + string.Join(", ", types.Take(12).Select(t => $"{t.Type} {t.Samples}")));
                }
            }

            // Per layer, for where the time goes (mean of a block of calls, not individually timed).
            var layerMeans = new List<(string Layer, double Micro, long Bytes)>();
            foreach (var layer in fixture.Layers)
            {
                var allocated = GC.GetAllocatedBytesForCurrentThread();
                var start = Stopwatch.GetTimestamp();
                for (var i = 0; i < Block; i++)
                {
                    await layer.EvaluateAsync(fixture.Context);
                }
                layerMeans.Add((layer.Name, BenchmarkReport.Seconds(start, Stopwatch.GetTimestamp()) * 1_000_000 / Block,
                    (GC.GetAllocatedBytesForCurrentThread() - allocated) / Block));
            }

            // L1 split into its parts, over the same argument strings (keys and values) L1 screens.
            var strings = ArgumentStrings(fixture.Arguments).ToArray();
            var screen = fixture.Pipeline.Screen;
            var parts = new List<(string Part, (double Micro, long Bytes) Mean)>
            {
                ("schema", MeanMicro(Block, () => fixture.SchemaOnly())),
                ("secret patterns", MeanMicro(Block, () => strings.Count(t => screen.FindSecret(t) is not null))),
                ("injection scan", MeanMicro(Block, () => strings.Count(t => screen.Scan(t, AgentOps.Guardrails.Injection.ScanChannel.ToolArgument).Verdict == AgentOps.Guardrails.Injection.ScanVerdict.Block))),
            };

            Console.WriteLine($"guardrail-latency: {calls:N0} calls each (after {warmup:N0} warm-up), one thread, dry run (no tool, no audit write)");
            Console.WriteLine($"call: {fixture.Context.Step.Server}/{fixture.Context.Step.Tool} by {fixture.Context.Agent.Name}, arguments {fixture.ArgumentBytes} bytes; verdict {verdict.Verdict} ({string.Join(", ", verdict.Decisions.Select(d => d.Rule))})");
            Console.WriteLine($"load average before: {load}; after: {BenchmarkReport.LoadAverage()}; {Environment.ProcessorCount} cores");
            Console.WriteLine($"joined injection automaton: {(automaton ? "built" : "NOT built: patterns ran one by one")} (waited {automatonWait:F2} s after the warm-up)");
            Console.WriteLine();
            Console.WriteLine("| | p50 | p99 | p99.9 | mean | per second (one thread) |");
            Console.WriteLine("|---|---|---|---|---|---|");
            Row("JSON Schema evaluation alone (baseline)", baseline);
            Row("guardrail pipeline L1-L3, L5", pipeline);
            Console.WriteLine($"| ratio pipeline / baseline | {Ratio(pipeline, baseline, 50)} | {Ratio(pipeline, baseline, 99)} | {Ratio(pipeline, baseline, 99.9)} | {BenchmarkReport.Ratio(pipeline.Mean, baseline.Mean)} | |");
            Console.WriteLine();
            Console.WriteLine("per layer (mean over " + Block.ToString("N0", System.Globalization.CultureInfo.InvariantCulture) + " calls): " +
                string.Join(", ", layerMeans.Select(l => $"{l.Layer} {BenchmarkReport.Micro(l.Micro)} ({l.Bytes:N0} bytes)")));
            Console.WriteLine($"L1 parts over its {strings.Length} argument strings (mean over {Block:N0}): " +
                string.Join(", ", parts.Select(p => $"{p.Part} {BenchmarkReport.Micro(p.Mean.Micro)} ({p.Mean.Bytes:N0} bytes)")));
            Console.WriteLine($"garbage: {bytesPerCall:N0} bytes allocated per pipeline call; {gen0PerThousand:0.0} gen-0 collections per 1,000 calls ({(System.Runtime.GCSettings.IsServerGC ? "server" : "workstation")} GC)");
            var p99 = pipeline.Percentile(99);
            Console.WriteLine($"target p99 <= 100 µs: {(p99 <= 100 ? "met" : "NOT met")} ({BenchmarkReport.Micro(p99)})");
            return 0;
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(root, recursive: true);
        }
    }

    private static (double Micro, long Bytes) MeanMicro(int count, Func<object> action)
    {
        var allocated = GC.GetAllocatedBytesForCurrentThread();
        var start = Stopwatch.GetTimestamp();
        for (var i = 0; i < count; i++)
        {
            GC.KeepAlive(action());
        }
        return (BenchmarkReport.Seconds(start, Stopwatch.GetTimestamp()) * 1_000_000 / count, (GC.GetAllocatedBytesForCurrentThread() - allocated) / count);
    }

    private static IEnumerable<string> ArgumentStrings(System.Text.Json.Nodes.JsonNode? node) => node switch
    {
        System.Text.Json.Nodes.JsonObject obj => obj.SelectMany(p => ArgumentStrings(p.Value).Prepend(p.Key)),
        System.Text.Json.Nodes.JsonArray array => array.SelectMany(ArgumentStrings),
        System.Text.Json.Nodes.JsonValue value when value.TryGetValue<string>(out var s) => [s],
        _ => [],
    };

    private static void Row(string name, LatencySample sample) =>
        Console.WriteLine($"| {name} | {BenchmarkReport.Micro(sample.Percentile(50))} | {BenchmarkReport.Micro(sample.Percentile(99))} | {BenchmarkReport.Micro(sample.Percentile(99.9))} | {BenchmarkReport.Micro(sample.Mean)} | {BenchmarkReport.Rate(sample.PerSecond)} |");

    private static string Ratio(LatencySample value, LatencySample baseline, double p) => BenchmarkReport.Ratio(value.Percentile(p), baseline.Percentile(p));

    internal static int IntOption(IReadOnlyList<string> args, string name, int fallback)
    {
        for (var i = 0; i < args.Count - 1; i++)
        {
            if (args[i] == name)
            {
                return int.Parse(args[i + 1], System.Globalization.CultureInfo.InvariantCulture);
            }
        }
        return fallback;
    }
}
