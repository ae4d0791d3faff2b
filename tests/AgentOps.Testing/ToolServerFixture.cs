using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using AgentOps.Core;
using AgentOps.Identity;
using Microsoft.Extensions.Time.Testing;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace AgentOps.Testing;

/// <summary>
/// Starts one of our tool servers as a real child process over stdio, with a fresh broker key, and mints
/// tokens for it — valid ones and every kind of bad one.
/// </summary>
public sealed class ToolServerFixture : IAsyncDisposable
{
    public const string Human = "developer@example.com";
    private static readonly AgentIdentity s_planner = new("spiffe://agentops.local/agent/planner", "autonomous", "runbook", "agentops", ScopeSet.Parse("git:* crossplane:* k8s:* argocd:* prometheus:*"));
    private static readonly AgentIdentity s_stepAgent = s_planner with { Id = "spiffe://agentops.local/agent/infra-provisioner", AgentType = "domain_specific" };

    private readonly SigningKeyStore _keys;

    private readonly ConcurrentQueue<string> _standardError;

    private ToolServerFixture(string directory, SigningKeyStore keys, McpClient client, string serverId, ConcurrentQueue<string> standardError)
    {
        Directory = directory;
        _keys = keys;
        Client = client;
        ServerId = serverId;
        _standardError = standardError;
    }

    public string Directory { get; }

    public McpClient Client { get; }

    public string ServerId { get; }

    /// <summary>Every line the server has written to stderr so far (its logs), e.g. to check that no secret reached them.</summary>
    public IReadOnlyList<string> StandardError => [.. _standardError];

    public static Task<ToolServerFixture> StartAsync(string assembly, string serverId, params string[] extraArguments) =>
        StartInAsync(Path.Combine(Path.GetTempPath(), "agentops-tools-tests", Guid.NewGuid().ToString("N")), assembly, serverId, extraArguments);

    /// <summary>
    /// Starts a server with extra environment variables on top of this process's own: settings a server reads from its
    /// environment, such as a backend token that must not appear on a command line.
    /// </summary>
    public static Task<ToolServerFixture> StartAsync(string assembly, string serverId, IReadOnlyDictionary<string, string?> environment, params string[] extraArguments) =>
        StartCoreAsync(Path.Combine(Path.GetTempPath(), "agentops-tools-tests", Guid.NewGuid().ToString("N")), assembly, serverId, environment, extraArguments);

    /// <summary>Starts a server on an existing data directory (same keys, same shared state), as a restart would.</summary>
    public static Task<ToolServerFixture> StartInAsync(string directory, string assembly, string serverId, params string[] extraArguments) =>
        StartCoreAsync(directory, assembly, serverId, environment: null, extraArguments);

    private static async Task<ToolServerFixture> StartCoreAsync(
        string directory, string assembly, string serverId, IReadOnlyDictionary<string, string?>? environment, string[] extraArguments)
    {
        System.IO.Directory.CreateDirectory(directory);
        var keys = SigningKeyStore.OpenOrCreate(Path.Combine(directory, "keys"), TimeProvider.System);
        var standardError = new ConcurrentQueue<string>();
        var transport = new StdioClientTransport(new StdioClientTransportOptions
        {
            Name = assembly,
            Command = "dotnet",
            Arguments = [Path.Combine(AppContext.BaseDirectory, assembly), "--jwks", keys.JwksPath, "--data-dir", directory, "--server-id", serverId, .. extraArguments],
            EnvironmentVariables = environment?.ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal),
            StandardErrorLines = standardError.Enqueue,
        });
        // Pinned: a 2.x client otherwise first probes for the session-less 2026 protocol over stdio and waits for that
        // probe to time out before it falls back, seconds per server start.
        var client = await McpClient.CreateAsync(transport, new McpClientOptions { ProtocolVersion = PinnedProtocolVersion });
        return new ToolServerFixture(directory, keys, client, serverId, standardError);
    }

    /// <summary>The protocol revision our servers (SDK 2.4) speak over stdio with initialize.</summary>
    public const string PinnedProtocolVersion = "2025-11-25";

    /// <summary>A token chain human → planner → step agent for this server and scope, minted at <paramref name="mintedAt"/>.</summary>
    public string Token(string scope, string? audience = null, DateTimeOffset? mintedAt = null)
    {
        var time = new FakeTimeProvider(mintedAt ?? TimeProvider.System.GetUtcNow());
        var broker = new CredentialBroker(_keys, time, new BrokerOptions());
        var goal = broker.IssueForGoal(Human, s_planner, ScopeSet.Parse(scope), "test", "goal-1");
        return broker.Exchange(goal.Token, s_stepAgent, audience ?? ServerId, ScopeSet.Parse(scope), "test step").Token;
    }

    public async Task<CallToolResult> CallAsync(string tool, Dictionary<string, object?> arguments, string? token)
    {
        var meta = new JsonObject();
        if (token is not null)
        {
            meta["io.agentops/credential"] = token;
        }
        try
        {
            return await Client.CallToolAsync(tool, arguments, options: new RequestOptions { Meta = meta });
        }
        catch (McpException ex)
        {
            // Some SDK paths raise instead of returning IsError; treat both as the same refusal for assertions.
            return new CallToolResult { IsError = true, Content = [new TextContentBlock { Text = ex.Message }] };
        }
    }

    public static string Text(CallToolResult result) => string.Join("\n", result.Content.OfType<TextContentBlock>().Select(t => t.Text));

    public async ValueTask DisposeAsync()
    {
        await Client.DisposeAsync();
        _keys.Dispose();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
