using AgentOps.Core;
using AgentOps.Guardrails;
using AgentOps.Guardrails.Policy;
using AgentOps.Planning;
using BenchmarkDotNet.Attributes;

namespace AgentOps.Benchmarks;

/// <summary>
/// The in-process work before the first tool call: screening the request, planning it, and digesting the plan.
/// Baseline: one SHA-256 plan digest, the cheapest thing every run must do.
/// </summary>
[MemoryDiagnoser]
public class PlanningBenchmarks
{
    private const string Request = "I need a PostgreSQL database for my new service payments-api, small size, EU region, with daily backups";
    private RunbookPlanner _planner = null!;
    private RequestScreen _screen = null!;
    private Plan _plan = null!;
    private Goal _goal = null!;

    [GlobalSetup]
    public async Task Setup()
    {
        var root = AppContext.BaseDirectory;
        _planner = new RunbookPlanner(SkillCatalog.Load(Path.Combine(root, "prompts", "skills")), PlanningPolicy.Load(Path.Combine(root, "guardrails", "policy.yaml")));
        var text = new TextScreen(GuardrailPolicy.Load(Path.Combine(root, "guardrails")));
        // The steady state of a long-lived process: patterns on the linear engine (the automaton follows in the warm-up).
        text.PromotePatterns();
        _screen = new RequestScreen(text);
        _goal = new Goal("run-bench", "developer@example.com", Request, "cli", "run-bench", DateTimeOffset.UnixEpoch);
        _plan = ((PlanningOutcome.Planned)await _planner.PlanAsync(_goal)).Plan;
    }

    [Benchmark(Baseline = true, Description = "plan digest (baseline)")]
    public string Digest() => PlanDigest.Compute(_plan);

    [Benchmark(Description = "L1 request screen")]
    public Verdict Screen() => _screen.Screen(Request).Verdict;

    [Benchmark(Description = "runbook planner: README request")]
    public Task<PlanningOutcome> Plan() => _planner.PlanAsync(_goal);
}
