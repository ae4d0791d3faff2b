using System.Text.Json.Nodes;

namespace AgentOps.Interop.Tests;

/// <summary>
/// The MCP Inspector's CLI mode (<c>@modelcontextprotocol/inspector</c> 2.12.0, pinned in tests/interop): a client we
/// did not write. Inspector options go first, then <c>--</c> and the server's command, or the server's URL.
/// </summary>
internal static class InspectorCli
{
    /// <summary>The CLI's exit code when the call was answered with a tool result whose <c>isError</c> is true.</summary>
    public const int ToolIsErrorExitCode = 5;

    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(90);

    /// <summary>The request's result from the CLI's <c>--format json</c> envelope, <c>{"result": ...}</c>.</summary>
    public static JsonNode Result(ProcessResult run, int expectedExitCode = 0, string? serverLog = null) =>
        JsonOutput.Parse(run, expectedExitCode, serverLog)["result"] ?? throw new InvalidOperationException($"no result in the CLI's output.\n{run.Describe()}");

    public static Task<ProcessResult> ListToolsAsync(IReadOnlyList<string> target, params string[] options) =>
        RunAsync(target, ["--method", "tools/list", .. options]);

    public static Task<ProcessResult> CallToolAsync(IReadOnlyList<string> target, string tool, params string[] options) =>
        RunAsync(target, ["--method", "tools/call", "--tool-name", tool, .. options]);

    /// <summary><c>--tool-metadata io.agentops/credential=TOKEN</c>: where a stdio call carries the delegated token.</summary>
    public static string[] CredentialMetadata(string token) => ["--tool-metadata", $"io.agentops/credential={token}"];

    public static string[] BearerHeader(string token) => ["--header", $"Authorization: Bearer {token}"];

    /// <summary>A stdio target: the server's command line.</summary>
    public static IReadOnlyList<string> Stdio(ToolServerSandbox sandbox, params string[] extraArguments) => ["--", .. sandbox.Command(extraArguments)];

    /// <summary>A Streamable HTTP target: the server's endpoint URL.</summary>
    public static IReadOnlyList<string> Http(HttpToolServer server) => ["--transport", "http", "--server-url", server.Endpoint.ToString()];

    private static Task<ProcessResult> RunAsync(IReadOnlyList<string> target, IEnumerable<string> request)
    {
        var launcher = NpmTools.PackagePath("@modelcontextprotocol/inspector/clients/launcher/build/index.js");
        // --cli must come first; the target (which may start with --) goes last so its own switches stay its own.
        var requestOptions = request.ToList();
        var targetOptions = target.TakeWhile(a => a != "--").ToList();
        var command = target.SkipWhile(a => a != "--").ToList();
        // A cold dotnet start on a busy CI machine can take longer than the CLI's default 15 s connect timeout.
        return NpmTools.RunNodeAsync([launcher, "--cli", "--format", "json", "--connect-timeout", "60000", .. targetOptions, .. requestOptions, .. command], s_timeout);
    }
}
