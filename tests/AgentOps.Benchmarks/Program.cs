using BenchmarkDotNet.Running;

// Run: dotnet run -c Release --project tests/AgentOps.Benchmarks -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(AgentOps.Benchmarks.CredentialBenchmarks).Assembly).Run(args);
