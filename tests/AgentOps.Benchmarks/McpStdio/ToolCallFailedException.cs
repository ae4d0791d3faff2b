namespace AgentOps.Benchmarks.McpStdio;

/// <summary>A tool call answered with an error: not a timing, but a failure the report names.</summary>
internal sealed class ToolCallFailedException(string message) : Exception(message);
