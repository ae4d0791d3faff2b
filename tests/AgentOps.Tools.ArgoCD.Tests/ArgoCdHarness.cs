using System.Text.Json;
using System.Text.Json.Nodes;
using ModelContextProtocol.Protocol;

namespace AgentOps.Tools.ArgoCD.Tests;

/// <summary>The fake ArgoCD on loopback, and our ArgoCD server as a child process over stdio pointed at it.</summary>
internal sealed class ArgoCdHarness : IAsyncDisposable
{
    public const string ServerId = "spiffe://agentops.local/tool/argocd";
    public const string ServerAssembly = "AgentOps.Tools.ArgoCD.dll";

    private ArgoCdHarness(FakeArgoCdApi argo, ToolServerFixture server)
    {
        Argo = argo;
        Server = server;
    }

    public FakeArgoCdApi Argo { get; }

    public ToolServerFixture Server { get; }

    /// <summary>
    /// Starts both. The ArgoCD URL and token reach the server through its environment (a token never goes on a command
    /// line); <paramref name="settings"/> overrides or adds variables.
    /// </summary>
    public static async Task<ArgoCdHarness> StartAsync(IReadOnlyDictionary<string, string?>? settings = null, params string[] arguments)
    {
        var argo = FakeArgoCdApi.Start();
        var environment = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["AgentOps__ArgoCD__BaseUrl"] = argo.Url,
            ["ARGOCD_AUTH_TOKEN"] = argo.Token,
            ["AgentOps__ArgoCD__AttemptTimeout"] = "00:00:05",
            ["AgentOps__ArgoCD__RetryDelay"] = "00:00:00.050",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            environment[key] = value;
        }
        try
        {
            return new ArgoCdHarness(argo, await ToolServerFixture.StartAsync(ServerAssembly, ServerId, environment, arguments));
        }
        catch
        {
            argo.Dispose();
            throw;
        }
    }

    public Task<CallToolResult> CallAsync(string tool, Dictionary<string, object?> arguments, string scope) =>
        Server.CallAsync(tool, arguments, Server.Token(scope));

    public JsonElement Structured(CallToolResult result)
    {
        // The server's log says why a call failed when the result only says that it did.
        Assert.True(result.IsError != true, ToolServerFixture.Text(result) + "\n" + string.Join("\n", Server.StandardError));
        return result.StructuredContent ?? throw new Xunit.Sdk.XunitException("the result has no structured content");
    }

    public JsonNode StructuredNode(CallToolResult result) => JsonNode.Parse(Structured(result).GetRawText())!;

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        Argo.Dispose();
    }
}
