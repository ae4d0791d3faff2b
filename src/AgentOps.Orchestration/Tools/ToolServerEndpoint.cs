namespace AgentOps.Orchestration.Tools;

/// <summary>How to start one MCP tool server as a child process, and the identity its tokens must name.</summary>
/// <param name="LogFile">Where the server's stderr (its log) is appended; null drops it.</param>
public sealed record ToolServerEndpoint(string Name, string ServerId, string Command, IReadOnlyList<string> Arguments, string? LogFile = null);
