using AgentOps.Benchmarks.Audit;
using AgentOps.Benchmarks.Guardrails;
using AgentOps.Benchmarks.McpStdio;
using BenchmarkDotNet.Running;

// BenchmarkDotNet suites: dotnet run -c Release --project tests/AgentOps.Benchmarks -- --filter '*'
// MCP over stdio, ours against the Go kubernetes-mcp-server: tests/AgentOps.Benchmarks/mcp-stdio.sh
// Guardrail and audit harnesses (see README.md): guardrail-latency, text-screen, audit-append, audit-verify
return args switch
{
    ["mcp-stdio", .. var rest] => await McpStdioBenchmark.RunAsync(rest),
    ["guardrail-latency", .. var rest] => await GuardrailLatencyBenchmark.RunAsync(rest),
    ["text-screen", .. var rest] => await TextScreenBenchmark.RunAsync(rest),
    ["audit-append", .. var rest] => await AuditAppendBenchmark.RunAsync(rest),
    ["audit-verify", .. var rest] => await AuditVerifyBenchmark.RunAsync(rest),
    ["merkle-nodes", .. var rest] => await MerkleNodeBenchmark.RunAsync(rest),
    _ => RunBenchmarkDotNet(args),
};

static int RunBenchmarkDotNet(string[] args)
{
    BenchmarkSwitcher.FromAssembly(typeof(AgentOps.Benchmarks.CredentialBenchmarks).Assembly).Run(args);
    return 0;
}
