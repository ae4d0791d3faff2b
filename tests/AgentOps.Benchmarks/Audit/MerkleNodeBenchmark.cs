using System.Diagnostics;
using System.Runtime.Intrinsics.X86;
using System.Security.Cryptography;
using AgentOps.Storage;

namespace AgentOps.Benchmarks.Audit;

/// <summary>
/// <c>merkle-nodes</c>: RFC 6962 interior node hashes, SHA-256(0x01 || left || right), for N random child pairs (default
/// 1,048,576) on one thread: (a) one <see cref="SHA256.HashData(ReadOnlySpan{byte}, Span{byte})"/> call per node, the
/// baseline and what <see cref="MerkleLevels"/> did before; (b) <see cref="Sha256NodeBatch"/> on its best path (and on
/// the narrower vector path, when that is not the best); and, on every core, (c) <see cref="MerkleLevels.Build"/> over
/// 1,048,576 random leaves beside the same levels built with per-call hashing. All in one run, interleaved.
/// </summary>
internal static class MerkleNodeBenchmark
{
    private const int Size = MerkleTree.HashSize;
    private const int BuildLeaves = 1 << 20;

    public static Task<int> RunAsync(IReadOnlyList<string> args)
    {
        var nodes = Guardrails.GuardrailLatencyBenchmark.IntOption(args, "--nodes", 1 << 20);
        var runs = Guardrails.GuardrailLatencyBenchmark.IntOption(args, "--runs", 5);
        var best = Sha256NodeBatch.BestPath;
        var narrower = best == Sha256NodePath.Vector512 && Sha256NodeBatch.IsSupported(Sha256NodePath.Vector256) ? Sha256NodePath.Vector256 : (Sha256NodePath?)null;

        var children = new byte[2 * nodes * Size];
        RandomNumberGenerator.Fill(children);
        var leaves = new byte[BuildLeaves * Size];
        RandomNumberGenerator.Fill(leaves);
        var expected = new byte[nodes * Size];
        var output = new byte[nodes * Size];
        var root = new byte[Size];
        var baselineRoot = new byte[Size];

        // Warm-up, and the check that every path computes the same hashes (not timed).
        PerCall(children, expected, 0, nodes);
        foreach (var path in new[] { best, narrower ?? best })
        {
            Array.Clear(output);
            Sha256NodeBatch.HashPairs(children, output, path);
            if (!output.AsSpan().SequenceEqual(expected))
            {
                throw new InvalidOperationException($"the {path} path disagrees with SHA256.HashData");
            }
        }
        MerkleLevels.Build(leaves).RootOf(BuildLeaves, root);
        BaselineRoot(leaves, baselineRoot);
        if (!root.AsSpan().SequenceEqual(baselineRoot))
        {
            throw new InvalidOperationException("MerkleLevels.Build and the per-call levels disagree on the root");
        }

        var load = BenchmarkReport.LoadAverage();
        var perCall = new List<double>();
        var batch = new List<double>();
        var batchNarrower = new List<double>();
        var build = new List<double>();
        var buildPerCall = new List<double>();
        for (var run = 0; run < runs; run++)
        {
            // Interleaved, so noise on the shared machine falls on all of them.
            perCall.Add(Time(() => PerCall(children, output, 0, nodes)));
            batch.Add(Time(() => Sha256NodeBatch.HashPairs(children, output, best)));
            if (narrower is { } path)
            {
                batchNarrower.Add(Time(() => Sha256NodeBatch.HashPairs(children, output, path)));
            }
            build.Add(Time(() => MerkleLevels.Build(leaves).RootOf(BuildLeaves, root)));
            buildPerCall.Add(Time(() => BaselineRoot(leaves, baselineRoot)));
        }
        var after = BenchmarkReport.LoadAverage();

        Console.WriteLine($"merkle-nodes: {nodes:N0} node hashes on one thread; MerkleLevels over {BuildLeaves:N0} leaves on {Environment.ProcessorCount} cores; {runs} runs each, interleaved");
        Console.WriteLine($"Avx512F {Avx512F.IsSupported}, Avx2 {Avx2.IsSupported}: best path {best}");
        Console.WriteLine($"load average before: {load}; after: {after}");
        Console.WriteLine();
        Console.WriteLine("| | best | median | ns per node (median) | ratio (median) of (a) to this |");
        Console.WriteLine("|---|---|---|---|---|");
        var baseline = Median(perCall);
        Row("(a) SHA256.HashData per node (baseline)", perCall, nodes, baseline);
        Row($"(b) Sha256NodeBatch, {best}", batch, nodes, baseline);
        if (narrower is { } shown)
        {
            Row($"(b) Sha256NodeBatch, {shown} (forced)", batchNarrower, nodes, baseline);
        }
        Console.WriteLine();
        Console.WriteLine("| every core | best | median | ratio (median) of per-call to this |");
        Console.WriteLine("|---|---|---|---|");
        BuildRow("(c) MerkleLevels.Build + root", build, Median(buildPerCall));
        BuildRow("(c) the same levels, SHA256.HashData per node (baseline)", buildPerCall, Median(buildPerCall));
        Console.WriteLine();
        Console.WriteLine($"ratio a/b (medians): {BenchmarkReport.Ratio(baseline, Median(batch))}");
        return Task.FromResult(0);
    }

    private static void Row(string name, List<double> seconds, int nodes, double baseline) =>
        Console.WriteLine($"| {name} | {Milli(seconds.Min())} | {Milli(Median(seconds))} | {Median(seconds) * 1e9 / nodes:0.0} | {BenchmarkReport.Ratio(baseline, Median(seconds))} |");

    private static void BuildRow(string name, List<double> seconds, double baseline) =>
        Console.WriteLine($"| {name} | {Milli(seconds.Min())} | {Milli(Median(seconds))} | {BenchmarkReport.Ratio(baseline, Median(seconds))} |");

    private static string Milli(double seconds) => (seconds * 1000).ToString("0.0", System.Globalization.CultureInfo.InvariantCulture) + " ms";

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static double Time(Action action)
    {
        var start = Stopwatch.GetTimestamp();
        action();
        return BenchmarkReport.Seconds(start, Stopwatch.GetTimestamp());
    }

    /// <summary>Nodes <paramref name="from"/> to <paramref name="to"/> one call each, as MerkleLevels.HashPairs did before the batch.</summary>
    private static void PerCall(byte[] children, byte[] output, int from, int to)
    {
        Span<byte> pair = stackalloc byte[1 + (2 * Size)];
        pair[0] = 0x01;
        for (var i = from; i < to; i++)
        {
            children.AsSpan(2 * i * Size, 2 * Size).CopyTo(pair[1..]);
            SHA256.HashData(pair, output.AsSpan(i * Size, Size));
        }
    }

    /// <summary>The levels MerkleLevels.Build makes (every level split over the cores), hashed per call; the root of a power-of-two tree is its top node.</summary>
    private static void BaselineRoot(byte[] leaves, byte[] root)
    {
        var below = leaves;
        while (below.Length > Size)
        {
            var level = new byte[below.Length / 2];
            var nodes = level.Length / Size;
            var source = below;
            var workers = Environment.ProcessorCount;
            var chunk = (nodes + workers - 1) / workers;
            Parallel.For(0, workers, worker => PerCall(source, level, Math.Min(nodes, worker * chunk), Math.Min(nodes, (worker + 1) * chunk)));
            below = level;
        }
        below.CopyTo(root, 0);
    }
}
