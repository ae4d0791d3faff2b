using AgentOps.Benchmarks.McpStdio;
using BenchmarkDotNet.Running;

// BenchmarkDotNet suites: dotnet run -c Release --project tests/AgentOps.Benchmarks -- --filter '*'
// MCP over stdio, ours against the Go kubernetes-mcp-server: tests/AgentOps.Benchmarks/mcp-stdio.sh
if (args is ["mcp-stdio", .. var rest])
{
    return await McpStdioBenchmark.RunAsync(rest);
}
BenchmarkSwitcher.FromAssembly(typeof(AgentOps.Benchmarks.CredentialBenchmarks).Assembly).Run(args);
return 0;
