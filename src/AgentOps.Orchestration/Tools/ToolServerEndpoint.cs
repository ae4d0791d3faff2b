namespace AgentOps.Orchestration.Tools;

/// <summary>How to start one MCP tool server as a child process, and the identity its tokens must name.</summary>
/// <param name="LogFile">Where the server's stderr (its log) is appended; null drops it.</param>
/// <param name="Trust">Whether the server verifies our token itself; see <see cref="ToolServerTrust"/>.</param>
/// <param name="Environment">
/// Variables set for the process. A <see cref="ToolServerTrust.UnverifiedToken"/> server gets these and nothing else;
/// our own servers inherit the orchestrator's environment as well.
/// </param>
/// <param name="ProtocolVersion">
/// The MCP protocol version to ask for in <c>initialize</c>; null lets the client probe for the newest one first.
/// </param>
public sealed record ToolServerEndpoint(
    string Name,
    string ServerId,
    string Command,
    IReadOnlyList<string> Arguments,
    string? LogFile = null,
    ToolServerTrust Trust = ToolServerTrust.VerifiesToken,
    IReadOnlyDictionary<string, string>? Environment = null,
    string? ProtocolVersion = null);
