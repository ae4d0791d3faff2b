using AgentOps.Orchestration.Tools;
using Microsoft.Extensions.Configuration;

namespace AgentOps.Cli;

/// <summary>
/// The tool servers the CLI starts as child processes. By default they are the binaries built next to the CLI;
/// <c>AgentOps:Tools:&lt;name&gt;:Command</c> and <c>:Arguments</c> replace one with anything that speaks MCP over stdio.
/// </summary>
internal static class ToolEndpoints
{
    public static Dictionary<string, ToolServerEndpoint> From(IConfiguration configuration, RuntimePaths paths, string jwksPath)
    {
        var common = new[] { "--jwks", jwksPath, "--data-dir", paths.DataDirectory };
        var logs = Directory.CreateDirectory(Path.Combine(paths.DataDirectory, "logs")).FullName;
        return new Dictionary<string, ToolServerEndpoint>(StringComparer.Ordinal)
        {
            ["git"] = Endpoint(configuration, "git", "spiffe://agentops.local/tool/git", "AgentOps.Tools.Git.dll", common, Path.Combine(logs, "tool-git.log")),
            ["crossplane"] = Endpoint(configuration, "crossplane", "spiffe://agentops.local/tool/crossplane", "AgentOps.Tools.Crossplane.dll",
                [.. common, "--AgentOps:Skills:Directory", paths.Skills, "--AgentOps:Crossplane:Schemas:0", paths.Xrds], Path.Combine(logs, "tool-crossplane.log")),
        };
    }

    private static ToolServerEndpoint Endpoint(IConfiguration configuration, string name, string serverId, string assembly, string[] arguments, string logFile)
    {
        var section = configuration.GetSection($"AgentOps:Tools:{name}");
        var command = section["Command"] is { Length: > 0 } c ? c : "dotnet";
        var configured = section.GetSection("Arguments").Get<string[]>();
        var args = configured is { Length: > 0 }
            ? configured
            : [Path.Combine(AppContext.BaseDirectory, assembly), .. arguments, "--server-id", serverId];
        return new ToolServerEndpoint(name, section["ServerId"] is { Length: > 0 } id ? id : serverId, command, args, logFile);
    }
}
