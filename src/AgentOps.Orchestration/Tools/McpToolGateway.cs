using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace AgentOps.Orchestration.Tools;

/// <summary>
/// Starts each configured tool server on first use as a child process over stdio and keeps one MCP client per server
/// for the life of the gateway. The credential goes in <c>params._meta</c> under <c>io.agentops/credential</c>, to our
/// own servers only: a <see cref="ToolServerTrust.UnverifiedToken"/> server never receives it.
/// </summary>
public sealed partial class McpToolGateway : IToolGateway
{
    public const string CredentialMetaKey = "io.agentops/credential";

    /// <summary>The result <c>_meta</c> key under which our servers flag content from outside as untrusted.</summary>
    public const string TrustMetaKey = "io.agentops/trust";

    private readonly IReadOnlyDictionary<string, ToolServerEndpoint> _endpoints;
    private readonly ILoggerFactory _loggerFactory;
    private readonly TimeSpan _callTimeout;
    private readonly ConcurrentDictionary<string, Lazy<Task<Connection>>> _connections = new(StringComparer.Ordinal);
    private readonly ILogger _logger;
    private readonly Lock _logGate = new();

    /// <exception cref="ArgumentException">An endpoint is a third-party server: those are hosted by <see cref="ThirdPartyToolGateway"/>.</exception>
    public McpToolGateway(IReadOnlyDictionary<string, ToolServerEndpoint> endpoints, ILoggerFactory loggerFactory, TimeSpan? toolCallTimeout = null)
        : this(endpoints, loggerFactory, toolCallTimeout, hostsThirdParty: false)
    {
    }

    // Only ThirdPartyToolGateway may host a server that cannot verify our token, because only it checks the token in
    // that server's place; a gateway built directly would call such a server with no check at all.
    internal McpToolGateway(IReadOnlyDictionary<string, ToolServerEndpoint> endpoints, ILoggerFactory loggerFactory, TimeSpan? toolCallTimeout, bool hostsThirdParty)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        if (!hostsThirdParty && endpoints.Values.FirstOrDefault(e => e.Trust != ToolServerTrust.VerifiesToken) is { } thirdParty)
        {
            throw new ArgumentException(
                $"Tool server '{thirdParty.Name}' cannot verify our token; host it through {nameof(ThirdPartyToolGateway)}, which checks the token in its place.",
                nameof(endpoints));
        }
        _endpoints = endpoints;
        _loggerFactory = loggerFactory;
        _callTimeout = toolCallTimeout ?? TimeSpan.FromMinutes(2);
        _logger = loggerFactory.CreateLogger<McpToolGateway>();
    }

    public string ServerIdOf(string server) => Endpoint(server).ServerId;

    public IReadOnlyList<ToolServerInfo> Servers =>
        _endpoints.Values.OrderBy(e => e.Name, StringComparer.Ordinal).Select(e => new ToolServerInfo(e.Name, e.ServerId, e.Trust, null)).ToArray();

    public async Task<IReadOnlyList<ToolDescriptor>> ListToolsAsync(string server, CancellationToken cancellationToken = default)
    {
        var connection = await ConnectAsync(server, cancellationToken).ConfigureAwait(false);
        return connection.Tools.Values.OrderBy(t => t.Name, StringComparer.Ordinal).ToArray();
    }

    public Task WarmUpAsync(IEnumerable<string> servers, CancellationToken cancellationToken = default) =>
        Task.WhenAll(servers.Distinct(StringComparer.Ordinal).Select(s => ConnectAsync(s, cancellationToken)));

    public async Task<ToolDescriptor?> DescribeAsync(string server, string tool, CancellationToken cancellationToken = default)
    {
        var connection = await ConnectAsync(server, cancellationToken).ConfigureAwait(false);
        return connection.Tools.TryGetValue(tool, out var descriptor) ? descriptor : null;
    }

    public async Task<ToolCallOutcome> CallAsync(string server, string tool, JsonObject arguments, string credential, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var endpoint = Endpoint(server);
        var connection = await ConnectAsync(server, cancellationToken).ConfigureAwait(false);
        var args = arguments.ToDictionary(p => p.Key, p => (object?)p.Value?.DeepClone());
        // No _meta at all for a third-party server: not the token, and nothing else of ours either.
        var options = endpoint.Trust == ToolServerTrust.VerifiesToken
            ? new RequestOptions { Meta = new JsonObject { [CredentialMetaKey] = credential } }
            : null;
        CallToolResult result;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_callTimeout);
        try
        {
            result = await connection.Client.CallToolAsync(tool, args, options: options, cancellationToken: timeout.Token).ConfigureAwait(false);
        }
        catch (McpException ex)
        {
            return new ToolCallOutcome(true, null, ex.Message);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new ToolCallOutcome(true, null, $"tool server '{server}' did not answer {tool} within {_callTimeout.TotalSeconds:0} s");
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException or ObjectDisposedException)
        {
            // The server process died or its pipe broke: a failed step, to be compensated, not a crash of the run.
            return new ToolCallOutcome(true, null, $"tool server '{server}' failed during {tool}: {ex.Message}");
        }
        var text = string.Join("\n", result.Content.OfType<TextContentBlock>().Select(t => t.Text));
        var structured = result.StructuredContent is { } element ? JsonNode.Parse(element.GetRawText()) : null;
        var untrusted = result.Meta?[TrustMetaKey] is JsonValue trust && trust.TryGetValue<string>(out var marker) && marker == "untrusted";
        return new ToolCallOutcome(result.IsError == true, structured, text, untrusted);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var lazy in _connections.Values)
        {
            if (lazy.IsValueCreated && lazy.Value.IsCompletedSuccessfully)
            {
                await lazy.Value.Result.Client.DisposeAsync().ConfigureAwait(false);
            }
        }
        _connections.Clear();
    }

    private ToolServerEndpoint Endpoint(string server) =>
        _endpoints.TryGetValue(server, out var endpoint)
            ? endpoint
            : throw new InvalidOperationException($"No tool server named '{server}' is configured (known: {string.Join(", ", _endpoints.Keys)}).");

    private async Task<Connection> ConnectAsync(string server, CancellationToken cancellationToken)
    {
        var endpoint = Endpoint(server);
        // Lazy so that concurrent first calls start one process, not two. The start itself is not tied to the first
        // caller's token: another caller may still be waiting for the same server.
        var start = _connections.GetOrAdd(server, _ => new Lazy<Task<Connection>>(() => StartAsync(endpoint, CancellationToken.None))).Value;
        try
        {
            return await start.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException or McpException or System.ComponentModel.Win32Exception)
        {
            throw new ToolServerUnavailableException(server, ex);
        }
    }

    private async Task<Connection> StartAsync(ToolServerEndpoint endpoint, CancellationToken cancellationToken)
    {
        var ours = endpoint.Trust == ToolServerTrust.VerifiesToken;
        var transport = new StdioClientTransport(new StdioClientTransportOptions
        {
            Name = endpoint.Name,
            Command = endpoint.Command,
            Arguments = endpoint.Arguments.ToList(),
            // Our environment may hold secrets (an LLM API key, a forge token); a third-party process gets the SDK's
            // curated basics (PATH, HOME, ...) and what its configuration names, nothing else.
            InheritEnvironmentVariables = ours,
            EnvironmentVariables = ProcessEnvironment(endpoint, ours),
            StandardErrorLines = line =>
            {
                LogServerError(_logger, endpoint.Name, line);
                if (endpoint.LogFile is { } file)
                {
                    lock (_logGate)
                    {
                        File.AppendAllText(file, line + Environment.NewLine);
                    }
                }
            },
        }, _loggerFactory);
        var client = await McpClient.CreateAsync(transport, new McpClientOptions
        {
            ClientInfo = new Implementation { Name = "agentops-orchestrator", Version = "0.1.0" },
            // Pinned for our own servers too: the 2.x client otherwise probes for the 2026 protocol over stdio first,
            // and a slow start turned that probe into a duplicate initialize.
            ProtocolVersion = endpoint.ProtocolVersion ?? "2025-11-25",
        }, _loggerFactory, cancellationToken).ConfigureAwait(false);
        var tools = await client.ListToolsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        var descriptors = tools.ToDictionary(
            t => t.Name,
            t => new ToolDescriptor(endpoint.Name, t.Name, t.ProtocolTool.InputSchema.Clone(),
                t.ProtocolTool.Annotations?.ReadOnlyHint == true, t.ProtocolTool.Annotations?.DestructiveHint != false, t.Description),
            StringComparer.Ordinal);
        return new Connection(client, descriptors);
    }

    private static Dictionary<string, string?>? ProcessEnvironment(ToolServerEndpoint endpoint, bool inherit)
    {
        Dictionary<string, string?> variables = inherit ? new(StringComparer.Ordinal) : StdioClientTransportOptions.GetDefaultEnvironmentVariables();
        foreach (var (name, value) in endpoint.Environment ?? new Dictionary<string, string>())
        {
            variables[name] = value;
        }
        return variables.Count == 0 ? null : variables;
    }

    private sealed record Connection(McpClient Client, IReadOnlyDictionary<string, ToolDescriptor> Tools);

    [LoggerMessage(Level = LogLevel.Debug, Message = "[{Server}] {Line}")]
    private static partial void LogServerError(ILogger logger, string server, string line);
}
