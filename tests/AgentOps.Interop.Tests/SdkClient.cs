using System.Text.Json.Nodes;

namespace AgentOps.Interop.Tests;

/// <summary>
/// <c>tests/interop/sdk-client.mjs</c>: a client built on the official TypeScript SDK. It lists the tools, optionally
/// calls one, and prints <c>{transport, server, tools, call}</c>. It puts the token where the
/// transport carries it (stdio: <c>_meta</c>; HTTP: <c>Authorization: Bearer</c>) and exits 2 on a protocol failure.
/// </summary>
internal static class SdkClient
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(90);

    public static Task<ProcessResult> OverStdioAsync(ToolServerSandbox sandbox, string? token = null, string? call = null, JsonObject? arguments = null) =>
        RunAsync([.. Options(token, call, arguments), "--", .. sandbox.Command()]);

    public static Task<ProcessResult> OverHttpAsync(HttpToolServer server, string? token = null, string? call = null, JsonObject? arguments = null) =>
        RunAsync(["--url", server.Endpoint.ToString(), .. Options(token, call, arguments)]);

    private static IEnumerable<string> Options(string? token, string? call, JsonObject? arguments)
    {
        if (token is not null)
        {
            yield return "--token";
            yield return token;
        }
        if (call is not null)
        {
            yield return "--call";
            yield return call;
            yield return "--args";
            yield return (arguments ?? []).ToJsonString();
        }
    }

    private static Task<ProcessResult> RunAsync(IEnumerable<string> arguments)
    {
        _ = NpmTools.PackagePath("@modelcontextprotocol/sdk/package.json");
        return NpmTools.RunNodeAsync([Path.Combine(NpmTools.InteropDirectory, "sdk-client.mjs"), .. arguments], s_timeout);
    }
}
