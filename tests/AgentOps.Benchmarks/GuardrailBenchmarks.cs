using AgentOps.Benchmarks.Guardrails;
using AgentOps.Core;
using AgentOps.Storage;
using BenchmarkDotNet.Attributes;
using Microsoft.Data.Sqlite;

namespace AgentOps.Benchmarks;

/// <summary>
/// Mean cost of the guardrail pipeline per tool call (dry run: L1, L2, L3, L5; no tool, no audit write) for the call
/// <see cref="GuardrailFixture"/> describes, beside the JSON Schema evaluation of the same arguments (baseline).
/// The p50/p99 per call are the <c>guardrail-latency</c> harness's; BenchmarkDotNet reports means.
/// </summary>
[MemoryDiagnoser]
public class GuardrailBenchmarks
{
    private string _root = null!;
    private GuardrailFixture _fixture = null!;

    [GlobalSetup]
    public async Task Setup()
    {
        _root = Directory.CreateTempSubdirectory("agentops-guardrail-bench-").FullName;
        var database = await SqliteDatabase.OpenAsync(Path.Combine(_root, "agentops.db"));
        _fixture = new GuardrailFixture(AppContext.BaseDirectory, new SqliteApprovalStore(database));
        await _fixture.EnsureAllowedAsync();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_root, recursive: true);
    }

    [Benchmark(Baseline = true, Description = "JSON Schema evaluation alone (baseline)")]
    public bool Schema() => _fixture.SchemaOnly();

    [Benchmark(Description = "guardrail pipeline, dry run")]
    public async Task<Verdict> Pipeline() => (await _fixture.Pipeline.EvaluateAsync(_fixture.Context)).Verdict;
}
