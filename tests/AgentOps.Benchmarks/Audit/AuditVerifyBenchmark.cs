using System.Diagnostics;
using System.Security.Cryptography;
using AgentOps.Storage;
using Microsoft.Data.Sqlite;

namespace AgentOps.Benchmarks.Audit;

/// <summary>
/// <c>audit-verify</c>: <see cref="SqliteAuditLog.VerifyAsync(CancellationToken)"/> over a log of N records (default one
/// million), beside two baselines in the same run: a bare <c>SELECT</c> reading every column of every row, and raw
/// SHA-256 over the exact bytes verification hashes (each record's canonical JSON, computed beforehand and held in memory).
/// The log is built once with <see cref="SqliteAuditLog.AppendBatchAsync"/> and kept in a cache directory across runs.
/// </summary>
internal static class AuditVerifyBenchmark
{
    public static async Task<int> RunAsync(IReadOnlyList<string> args)
    {
        var records = Guardrails.GuardrailLatencyBenchmark.IntOption(args, "--records", 1_000_000);
        var runs = Guardrails.GuardrailLatencyBenchmark.IntOption(args, "--runs", 3);
        // --signed N: the log carries a signed checkpoint every N records (the CLI's default interval is 100), and what
        // is timed is `agentops audit verify`'s check: signatures, chain, and the Merkle root at every checkpoint.
        var signedInterval = Guardrails.GuardrailLatencyBenchmark.IntOption(args, "--signed", 0);
        var cache = Path.Combine(Path.GetTempPath(), "agentops-bench-cache");
        var path = await BuildOnceAsync(cache, records, signedInterval);
        var database = await SqliteDatabase.OpenAsync(path);
        var checkpointing = signedInterval > 0 ? Checkpointing(Path.GetDirectoryName(path)!, signedInterval) : null;
        var log = new SqliteAuditLog(database, TimeProvider.System);
        var signed = checkpointing?.Store.ReadAll() ?? [];
        var load = BenchmarkReport.LoadAverage();

        // The bytes verification hashes, record by record, in one buffer (not timed).
        var (bytes, ends) = await CanonicalBytesAsync(database, records);

        var select = new List<double>();
        var sha = new List<double>();
        var verify = new List<double>();
        for (var run = 0; run < runs; run++)
        {
            // Interleaved, so noise on the shared machine falls on all three.
            select.Add(await TimeAsync(() => BareSelectAsync(database, records)));
            sha.Add(await TimeAsync(() => Task.FromResult(HashAll(bytes, ends))));
            verify.Add(await TimeAsync(async () =>
            {
                var result = checkpointing is null ? await log.VerifyAsync() : await log.VerifyAsync(null, signed, checkpointing.TrustedKeys);
                if (!result.Intact || result.RecordsChecked != records)
                {
                    throw new InvalidOperationException($"verification failed: {result.Problem} ({result.RecordsChecked} records)");
                }
                return result.RecordsChecked;
            }));
        }

        if (args.Contains("--parts"))
        {
            // How much the parallel check gains from each further part (thread and connection) on this machine.
            foreach (var parts in new[] { 1, 2, 3, 4 })
            {
                var partLog = new SqliteAuditLog(database, TimeProvider.System) { ParallelVerifyParts = parts };
                var seconds = await TimeAsync(async () => (await partLog.VerifyAsync()).RecordsChecked);
                Console.WriteLine($"parts: the hash chain in {parts} part(s): {seconds:0.00} s");
            }
        }
        if (args.Contains("--breakdown"))
        {
            await BreakdownAsync(database);
            if (checkpointing is not null)
            {
                SignedBreakdown(signed, checkpointing.TrustedKeys, records);
            }
        }
        var after = BenchmarkReport.LoadAverage();
        Console.WriteLine(checkpointing is null
            ? "verified: the hash chain (VerifyAsync())"
            : $"verified: {signed.Count:N0} signed checkpoints (ES256 signatures, then head hash and Merkle root at each), and the hash chain");
        Console.WriteLine($"audit-verify: {records:N0} records ({new FileInfo(path).Length / (1024 * 1024)} MiB database, {bytes.Length / (1024 * 1024)} MiB of canonical JSON hashed), {runs} runs each, interleaved; database {path}");
        Console.WriteLine($"load average before: {load}; after: {after}; {Environment.ProcessorCount} cores");
        Console.WriteLine();
        Console.WriteLine("| | best | median | ratio (median) to SELECT | ratio (median) to SELECT + SHA-256 |");
        Console.WriteLine("|---|---|---|---|---|");
        var selectMedian = Median(select);
        var floor = selectMedian + Median(sha);
        Row("bare SELECT of every row (baseline)", select, selectMedian, floor);
        Row("raw SHA-256 over the same bytes (baseline)", sha, selectMedian, floor);
        Row("VerifyAsync", verify, selectMedian, floor);
        Console.WriteLine();
        Console.WriteLine($"target <= 3 s for {records:N0} records: {(Median(verify) <= 3.0 * records / 1_000_000 ? "met" : "NOT met")} (median {Median(verify):0.00} s)");
        return 0;
    }

    private static void Row(string name, List<double> seconds, double select, double floor) =>
        Console.WriteLine($"| {name} | {seconds.Min():0.00} s | {Median(seconds):0.00} s | {BenchmarkReport.Ratio(Median(seconds), select)} | {BenchmarkReport.Ratio(Median(seconds), floor)} |");

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static async Task<double> TimeAsync<T>(Func<Task<T>> action)
    {
        var start = Stopwatch.GetTimestamp();
        await action();
        return BenchmarkReport.Seconds(start, Stopwatch.GetTimestamp());
    }

    private static AuditCheckpointing Checkpointing(string directory, int interval)
    {
        var keys = AgentOps.Identity.SigningKeyStore.OpenOrCreate(Path.Combine(directory, "keys"), TimeProvider.System);
        return new AuditCheckpointing(
            AuditCheckpointSigner.FromKeyStore(keys),
            new AuditCheckpointLog(Path.Combine(directory, "audit-checkpoints.jsonl")),
            AgentOps.Identity.JsonWebKeySet.Parse(keys.JwksJson),
            interval);
    }

    /// <summary>The log, built once into a directory that is renamed into place only when complete.</summary>
    private static async Task<string> BuildOnceAsync(string cache, int records, int signedInterval)
    {
        var done = Path.Combine(cache, signedInterval > 0 ? $"audit-{records}-signed-{signedInterval}" : $"audit-{records}");
        var path = Path.Combine(done, "agentops.db");
        if (File.Exists(path))
        {
            return path;
        }
        var building = Path.Combine(cache, $"audit-{records}.building-{Environment.ProcessId}");
        Directory.CreateDirectory(building);
        Console.WriteLine($"building a log of {records:N0} records in {building} (once; kept for later runs)...");
        var start = Stopwatch.GetTimestamp();
        var database = await SqliteDatabase.OpenAsync(Path.Combine(building, "agentops.db"));
        var log = new SqliteAuditLog(database, TimeProvider.System, signedInterval > 0 ? Checkpointing(building, signedInterval) : null);
        const int Batch = 10_000;
        for (var offset = 0; offset < records; offset += Batch)
        {
            var entries = Enumerable.Range(offset, Math.Min(Batch, records - offset)).Select(n => AuditEntries.Entry(n)).ToArray();
            await log.AppendBatchAsync(entries);
        }
        var connection = await database.OpenConnectionAsync();
        await using (connection)
        {
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA wal_checkpoint(TRUNCATE);";
            await command.ExecuteNonQueryAsync();
        }
        SqliteConnection.ClearAllPools();
        Directory.Move(building, done);
        Console.WriteLine($"built in {BenchmarkReport.Seconds(start, Stopwatch.GetTimestamp()):0.0} s ({records / BenchmarkReport.Seconds(start, Stopwatch.GetTimestamp()):N0} records/s with batches of {Batch:N0})");
        return path;
    }

    /// <summary>What signed checkpoints add to verification, stage by stage (not timed by the table above).</summary>
    private static void SignedBreakdown(IReadOnlyList<SignedAuditCheckpoint> signed, AgentOps.Identity.JsonWebKeySet keys, int records)
    {
        var start = Stopwatch.GetTimestamp();
        var problems = signed.Count(c => AuditCheckpointVerifier.Problem(c, keys) is not null);
        Console.WriteLine($"breakdown: {signed.Count:N0} ES256 signature checks, one thread: {BenchmarkReport.Seconds(start, Stopwatch.GetTimestamp()):0.00} s ({problems} problems)");
        start = Stopwatch.GetTimestamp();
        problems = AuditCheckpointVerifier.FirstProblem(signed, keys) is null ? 0 : 1;
        Console.WriteLine($"breakdown: the same checks, every core (FirstProblem): {BenchmarkReport.Seconds(start, Stopwatch.GetTimestamp()):0.00} s ({problems} problems)");
        var leaves = new byte[records * MerkleTree.HashSize];
        RandomNumberGenerator.Fill(leaves);
        start = Stopwatch.GetTimestamp();
        var frontier = new MerkleFrontier();
        var roots = 0;
        for (var offset = 0; offset < leaves.Length; offset += MerkleTree.HashSize)
        {
            frontier.Append(leaves.AsSpan(offset, MerkleTree.HashSize).ToArray());
            if (frontier.Size % 100 == 0)
            {
                roots += frontier.Root()[0] >= 0 ? 1 : 0;
            }
        }
        Console.WriteLine($"breakdown: MerkleFrontier fold, one thread, of {records:N0} leaves with a root every 100: {BenchmarkReport.Seconds(start, Stopwatch.GetTimestamp()):0.00} s ({roots} roots)");
        start = Stopwatch.GetTimestamp();
        var levels = MerkleLevels.Build(leaves);
        var root = new byte[MerkleTree.HashSize];
        roots = 0;
        for (long size = 100; size <= records; size += 100)
        {
            levels.RootOf(size, root);
            roots += root[0] >= 0 ? 1 : 0;
        }
        Console.WriteLine($"breakdown: MerkleLevels built on every core, then the same roots: {BenchmarkReport.Seconds(start, Stopwatch.GetTimestamp()):0.00} s ({roots} roots)");
    }

    /// <summary>Where VerifyAsync's time goes: the same scan, stopping after each stage in turn.</summary>
    private static async Task BreakdownAsync(SqliteDatabase database)
    {
        string[] stages = ["step only", "+ raw column spans", "+ canonical JSON and SHA-256 (VerifyAsync's fast path, without the chain links)"];
        for (var stage = 0; stage < stages.Length; stage++)
        {
            var start = Stopwatch.GetTimestamp();
            long check = 0;
            var connection = await database.OpenConnectionAsync();
            await using (connection)
            {
                using var command = connection.CreateCommand();
                command.CommandText = "SELECT sequence, time, run_id, actor, delegation_chain, action, argument_digest, decisions, outcome, result_digest, prev_hash, hash FROM audit_log ORDER BY sequence;";
                var reader = await command.ExecuteReaderAsync();
                await using (reader)
                {
                    while (await reader.ReadAsync())
                    {
                        check++;
                        if (stage == 0)
                        {
                            continue;
                        }
                        if (!AuditLogRows.TryReadRaw(reader, out var row))
                        {
                            throw new InvalidOperationException("a row the fast path declines");
                        }
                        if (stage == 1)
                        {
                            check += row.Hash.Length;
                            continue;
                        }
                        check += AuditRecordJson.RawHashMatches(row) ? 1 : throw new InvalidOperationException("hash mismatch");
                    }
                }
            }
            Console.WriteLine($"breakdown: {stages[stage]}: {BenchmarkReport.Seconds(start, Stopwatch.GetTimestamp()):0.00} s ({check})");
        }
    }

    private static async Task<long> BareSelectAsync(SqliteDatabase database, int records)
    {
        long rows = 0, chars = 0;
        var connection = await database.OpenConnectionAsync();
        await using (connection)
        {
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT sequence, time, run_id, actor, delegation_chain, action, argument_digest, decisions, outcome, result_digest, prev_hash, hash FROM audit_log ORDER BY sequence;";
            var reader = await command.ExecuteReaderAsync();
            await using (reader)
            {
                while (await reader.ReadAsync())
                {
                    rows += reader.GetInt64(0) > 0 ? 1 : 0;
                    for (var i = 1; i < 12; i++)
                    {
                        chars += reader.IsDBNull(i) ? 0 : reader.GetString(i).Length;
                    }
                }
            }
        }
        if (rows != records || chars == 0)
        {
            throw new InvalidOperationException($"the bare SELECT read {rows} rows");
        }
        return chars;
    }

    private static async Task<(byte[] Bytes, int[] Ends)> CanonicalBytesAsync(SqliteDatabase database, int records)
    {
        var buffer = new MemoryStream();
        var ends = new int[records];
        var log = new SqliteAuditLog(database, TimeProvider.System);
        const int Page = 50_000;
        for (long from = 1, i = 0; from <= records; from += Page)
        {
            foreach (var record in await log.ReadAsync(from, Math.Min(records, from + Page - 1)))
            {
                buffer.Write(AuditRecordJson.CanonicalBytes(record, includeHash: false));
                ends[i++] = checked((int)buffer.Length);
            }
        }
        return (buffer.ToArray(), ends);
    }

    private static long HashAll(byte[] bytes, int[] ends)
    {
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        long check = 0;
        var start = 0;
        foreach (var end in ends)
        {
            SHA256.HashData(bytes.AsSpan(start, end - start), digest);
            check += digest[0];
            start = end;
        }
        return check;
    }
}
