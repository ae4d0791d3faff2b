using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using ModelContextProtocol.Protocol;

namespace AgentOps.Tools.Kubectl.Tests;

/// <summary>The Kubectl server as a child process, pointed by a kubeconfig at an in-process fake API server.</summary>
internal sealed class KubectlServer : IAsyncDisposable
{
    public const string ServerId = "spiffe://agentops.local/tool/kubectl";
    public const string Dll = "AgentOps.Tools.Kubectl.dll";

    private readonly DirectoryInfo _directory;

    private KubectlServer(FakeKubernetesApi api, ToolServerFixture server, DirectoryInfo directory)
    {
        Api = api;
        Server = server;
        _directory = directory;
    }

    public FakeKubernetesApi Api { get; }

    public ToolServerFixture Server { get; }

    /// <summary>A seeded fake on a frozen clock (so <c>sinceSeconds</c> is exact) and a server using it.</summary>
    public static Task<KubectlServer> StartAsync(params string[] extraArguments) =>
        StartAsync(FakeKubernetesApi.Start(new FakeTimeProvider(TimeProvider.System.GetUtcNow())), extraArguments);

    public static async Task<KubectlServer> StartAsync(FakeKubernetesApi api, params string[] extraArguments)
    {
        var directory = Directory.CreateTempSubdirectory("agentops-kubectl-tests-");
        var kubeconfig = api.WriteKubeconfig(Path.Combine(directory.FullName, "kubeconfig"));
        return await StartWithKubeconfigAsync(api, kubeconfig, directory, extraArguments);
    }

    /// <summary>Starts the server on a kubeconfig written by the caller into <paramref name="directory"/>.</summary>
    public static async Task<KubectlServer> StartWithKubeconfigAsync(FakeKubernetesApi api, string kubeconfig, DirectoryInfo directory, params string[] extraArguments)
    {
        // A generous deadline by default: first calls JIT a lot, and CI machines can be busy. Tests about timeouts pass
        // their own --timeout-seconds, which wins because it comes later.
        var server = await ToolServerFixture.StartAsync(Dll, ServerId, ["--kubeconfig", kubeconfig, "--timeout-seconds", "60", .. extraArguments]);
        return new KubectlServer(api, server, directory);
    }

    public Task<CallToolResult> CallAsync(string tool, Dictionary<string, object?> arguments, string scope) =>
        Server.CallAsync(tool, arguments, Server.Token(scope));

    /// <summary>The whole result as the client received it (content, structured content, _meta), for "appears nowhere" checks.</summary>
    public static string Raw(CallToolResult result) => JsonSerializer.Serialize(result);

    public static JsonElement Structured(CallToolResult result)
    {
        Assert.True(result.IsError != true, ToolServerFixture.Text(result));
        return result.StructuredContent ?? throw new Xunit.Sdk.XunitException("no structured content");
    }

    public static bool IsUntrusted(CallToolResult result) =>
        result.Meta?["io.agentops/trust"]?.GetValue<string>() == "untrusted";

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        Api.Dispose();
        try
        {
            _directory.Delete(recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
