using System.Diagnostics;
using AgentOps.Core;
using AgentOps.Storage;
using Microsoft.Data.Sqlite;

namespace AgentOps.Benchmarks.Audit;

/// <summary>
/// <c>audit-append</c>: audited decisions per second into a file database with every commit durable
/// (WAL, synchronous=FULL: the WAL is fsynced at each commit, as for every store here). N producers append at once
/// through <see cref="GroupCommitAuditLog"/>; beside it, in the same run and on the same disk: the same rows inserted
/// bare (no hashing, no JSON, prepared statement) in transactions of the group commit's mean batch size and of one row,
/// and the per-record path (<see cref="SqliteAuditLog.AppendAsync"/>, one transaction per record) from one producer and
/// from N.
/// </summary>
internal static class AuditAppendBenchmark
{
    public static async Task<int> RunAsync(IReadOnlyList<string> args)
    {
        var records = Guardrails.GuardrailLatencyBenchmark.IntOption(args, "--records", 40_000);
        var producers = Guardrails.GuardrailLatencyBenchmark.IntOption(args, "--producers", 64);
        var maxBatch = Guardrails.GuardrailLatencyBenchmark.IntOption(args, "--max-batch", 256);
        var perRecord = Guardrails.GuardrailLatencyBenchmark.IntOption(args, "--per-record", 2_000);
        var root = Directory.CreateTempSubdirectory("agentops-audit-append-").FullName;
        try
        {
            var load = BenchmarkReport.LoadAverage();
            Console.WriteLine($"audit-append: {records:N0} records, {producers} producers, group commit up to {maxBatch} a transaction; per-record path {perRecord:N0} records; files in {root}");

            // 1. Group commit, N producers.
            var groupDb = await SqliteDatabase.OpenAsync(Path.Combine(root, "group.db"));
            var groupLog = new SqliteAuditLog(groupDb, TimeProvider.System);
            long batches = 0;
            double groupRate;
            await using (var group = new GroupCommitAuditLog(groupLog, maxBatch))
            {
                group.BatchTaken = _ => { Interlocked.Increment(ref batches); return Task.CompletedTask; };
                await ProduceAsync(group, producers, producers * 16, offset: 0); // warm-up: JIT, connection pool, file growth
                Interlocked.Exchange(ref batches, 0);
                var start = Stopwatch.GetTimestamp();
                await ProduceAsync(group, producers, records, offset: producers * 16);
                groupRate = records / BenchmarkReport.Seconds(start, Stopwatch.GetTimestamp());
            }
            var meanBatch = (double)records / batches;
            var verification = await groupLog.VerifyAsync();
            if (!verification.Intact || verification.RecordsChecked != records + (producers * 16))
            {
                throw new InvalidOperationException($"the group-committed log does not verify: {verification.Problem} ({verification.RecordsChecked} records)");
            }

            // 2. The same rows, bare: batches of the group commit's mean size, then one row per transaction.
            var rows = (await groupLog.ReadAsync(fromSequence: producers * 16 + 1)).ToArray();
            var bareBatch = Math.Max(1, (int)Math.Round(meanBatch));
            var bareBatchedRate = await BareInsertAsync(Path.Combine(root, "bare-batched.db"), rows, bareBatch);
            var bareSingleRate = await BareInsertAsync(Path.Combine(root, "bare-single.db"), rows.Take(perRecord).ToArray(), 1);

            // 2b. AppendBatchAsync from one caller, same batch size: the hash chain and JSON without the group-commit queue.
            var batchLog = new SqliteAuditLog(await SqliteDatabase.OpenAsync(Path.Combine(root, "batch.db")), TimeProvider.System);
            var batchEntries = Enumerable.Range(0, records).Select(n => AuditEntries.Entry(n)).ToArray();
            await batchLog.AppendBatchAsync(batchEntries.Take(bareBatch).ToArray());
            var tb = Stopwatch.GetTimestamp();
            for (var offset = 0; offset < records; offset += bareBatch)
            {
                await batchLog.AppendBatchAsync(batchEntries.AsSpan(offset, Math.Min(bareBatch, records - offset)).ToArray());
            }
            var batchRate = records / BenchmarkReport.Seconds(tb, Stopwatch.GetTimestamp());

            // 3. The per-record path: one transaction (and fsync) per record.
            var singleLog = new SqliteAuditLog(await SqliteDatabase.OpenAsync(Path.Combine(root, "per-record-1.db")), TimeProvider.System);
            await ProduceAsync(singleLog, 1, 100, offset: 0);
            var t0 = Stopwatch.GetTimestamp();
            await ProduceAsync(singleLog, 1, perRecord, offset: 100);
            var perRecordOneRate = perRecord / BenchmarkReport.Seconds(t0, Stopwatch.GetTimestamp());
            var manyLog = new SqliteAuditLog(await SqliteDatabase.OpenAsync(Path.Combine(root, "per-record-n.db")), TimeProvider.System);
            await ProduceAsync(manyLog, producers, producers, offset: 0);
            t0 = Stopwatch.GetTimestamp();
            await ProduceAsync(manyLog, producers, perRecord, offset: producers);
            var perRecordManyRate = perRecord / BenchmarkReport.Seconds(t0, Stopwatch.GetTimestamp());
            if (!(await manyLog.VerifyAsync()).Intact)
            {
                throw new InvalidOperationException("the per-record log does not verify");
            }

            Console.WriteLine($"load average before: {load}; after: {BenchmarkReport.LoadAverage()}; {Environment.ProcessorCount} cores; durability: WAL, synchronous=FULL (fsync per commit)");
            Console.WriteLine($"group commit: {batches:N0} transactions, mean {meanBatch:0.0} records each");
            Console.WriteLine();
            Console.WriteLine("| | records/s | ratio to bare insert, same rows per transaction |");
            Console.WriteLine("|---|---|---|");
            Console.WriteLine($"| bare SQLite insert, {bareBatch} rows a transaction (baseline) | {BenchmarkReport.Rate(bareBatchedRate)} | 1.00x |");
            Console.WriteLine($"| AppendBatchAsync, {bareBatch} entries a call, one caller (hash chain, JSON) | {BenchmarkReport.Rate(batchRate)} | {BenchmarkReport.Ratio(batchRate, bareBatchedRate)} |");
            Console.WriteLine($"| group commit, {producers} producers (hash chain, JSON, one transaction per batch) | {BenchmarkReport.Rate(groupRate)} | {BenchmarkReport.Ratio(groupRate, bareBatchedRate)} |");
            Console.WriteLine($"| bare SQLite insert, 1 row a transaction (baseline) | {BenchmarkReport.Rate(bareSingleRate)} | 1.00x |");
            Console.WriteLine($"| per-record AppendAsync, 1 producer | {BenchmarkReport.Rate(perRecordOneRate)} | {BenchmarkReport.Ratio(perRecordOneRate, bareSingleRate)} |");
            Console.WriteLine($"| per-record AppendAsync, {producers} producers | {BenchmarkReport.Rate(perRecordManyRate)} | {BenchmarkReport.Ratio(perRecordManyRate, bareSingleRate)} |");
            Console.WriteLine();
            Console.WriteLine($"group commit / per-record (1 producer): {BenchmarkReport.Ratio(groupRate, perRecordOneRate)}");
            Console.WriteLine($"target >= 20,000 audited decisions/s: {(groupRate >= 20_000 ? "met" : "NOT met")} ({BenchmarkReport.Rate(groupRate)})");
            return 0;
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(root, recursive: true);
        }
    }

    /// <summary><paramref name="producers"/> tasks append <paramref name="count"/> entries between them, each awaiting its own append before the next.</summary>
    private static async Task ProduceAsync(IAuditLog log, int producers, int count, long offset)
    {
        var next = offset - 1;
        var end = offset + count;
        await Task.WhenAll(Enumerable.Range(0, producers).Select(_ => Task.Run(async () =>
        {
            long n;
            while ((n = Interlocked.Increment(ref next)) < end)
            {
                await log.AppendAsync(AuditEntries.Entry(n));
            }
        })));
    }

    /// <summary>The rows as they are stored, inserted with a prepared statement, <paramref name="batch"/> rows a transaction.</summary>
    private static async Task<double> BareInsertAsync(string path, AuditRecord[] rows, int batch)
    {
        var database = await SqliteDatabase.OpenAsync(path);
        // Column text prepared beforehand: the baseline pays for SQLite and the disk, nothing else.
        var values = rows.Select(r => new object?[]
        {
            r.Sequence, r.Time.UtcDateTime.ToString("O", System.Globalization.CultureInfo.InvariantCulture), r.RunId, r.Actor,
            "[\"" + string.Join("\",\"", r.DelegationChain) + "\"]", r.Action, r.ArgumentDigest,
            System.Text.Json.JsonSerializer.Serialize(r.Decisions.Select(d => new { layer = d.Layer, reason = d.Reason, rule = d.Rule, verdict = d.Verdict.ToString() })),
            r.Outcome, r.ResultDigest, r.PrevHash, r.Hash,
        }).ToArray();
        var connection = await database.OpenConnectionAsync();
        await using (connection)
        {
            using var command = connection.CreateCommand();
            command.CommandText = """
                INSERT INTO audit_log (sequence, time, run_id, actor, delegation_chain, action, argument_digest, decisions, outcome, result_digest, prev_hash, hash)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12);
                """;
            var parameters = Enumerable.Range(1, 12).Select(i => command.Parameters.Add("$" + i, i == 1 ? SqliteType.Integer : SqliteType.Text)).ToArray();
            var start = Stopwatch.GetTimestamp();
            for (var offset = 0; offset < values.Length; offset += batch)
            {
                using var transaction = connection.BeginTransaction(deferred: false);
                command.Transaction = transaction;
                foreach (var row in values.AsSpan(offset, Math.Min(batch, values.Length - offset)))
                {
                    for (var i = 0; i < 12; i++)
                    {
                        parameters[i].Value = row[i] ?? DBNull.Value;
                    }
                    command.ExecuteNonQuery();
                }
                transaction.Commit();
            }
            return values.Length / BenchmarkReport.Seconds(start, Stopwatch.GetTimestamp());
        }
    }
}
