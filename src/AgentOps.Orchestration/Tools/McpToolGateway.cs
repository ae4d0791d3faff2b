using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace AgentOps.Orchestration.Tools;

/// <summary>
/// Starts each configured tool server on first use as a child process over stdio and keeps one MCP client per server
/// for the life of the gateway. The credential goes in <c>params._meta</c> under <c>io.agentops/credential</c>.
/// </summary>
public sealed partial class McpToolGateway(IReadOnlyDictionary<string, ToolServerEndpoint> endpoints, ILoggerFactory loggerFactory, TimeSpan? toolCallTimeout = null) : IToolGateway
{
    private readonly TimeSpan _callTimeout = toolCallTimeout ?? TimeSpan.FromMinutes(2);
    public const string CredentialMetaKey = "io.agentops/credential";

    private readonly ConcurrentDictionary<string, Lazy<Task<Connection>>> _connections = new(StringComparer.Ordinal);
    private readonly ILogger _logger = loggerFactory.CreateLogger<McpToolGateway>();
    private readonly Lock _logGate = new();

    public string ServerIdOf(string server) => Endpoint(server).ServerId;

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
        var connection = await ConnectAsync(server, cancellationToken).ConfigureAwait(false);
        var args = arguments.ToDictionary(p => p.Key, p => (object?)p.Value?.DeepClone());
        CallToolResult result;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_callTimeout);
        try
        {
            result = await connection.Client.CallToolAsync(tool, args,
                options: new RequestOptions { Meta = new JsonObject { [CredentialMetaKey] = credential } },
                cancellationToken: timeout.Token).ConfigureAwait(false);
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
        return new ToolCallOutcome(result.IsError == true, structured, text);
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
        endpoints.TryGetValue(server, out var endpoint)
            ? endpoint
            : throw new InvalidOperationException($"No tool server named '{server}' is configured (known: {string.Join(", ", endpoints.Keys)}).");

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
        var transport = new StdioClientTransport(new StdioClientTransportOptions
        {
            Name = endpoint.Name,
            Command = endpoint.Command,
            Arguments = endpoint.Arguments.ToList(),
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
        }, loggerFactory);
        var client = await McpClient.CreateAsync(transport, new McpClientOptions
        {
            ClientInfo = new Implementation { Name = "agentops-orchestrator", Version = "0.1.0" },
        }, loggerFactory, cancellationToken).ConfigureAwait(false);
        var tools = await client.ListToolsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        var descriptors = tools.ToDictionary(
            t => t.Name,
            t => new ToolDescriptor(endpoint.Name, t.Name, t.ProtocolTool.InputSchema.Clone(),
                t.ProtocolTool.Annotations?.ReadOnlyHint == true, t.ProtocolTool.Annotations?.DestructiveHint != false),
            StringComparer.Ordinal);
        return new Connection(client, descriptors);
    }

    private sealed record Connection(McpClient Client, IReadOnlyDictionary<string, ToolDescriptor> Tools);

    [LoggerMessage(Level = LogLevel.Debug, Message = "[{Server}] {Line}")]
    private static partial void LogServerError(ILogger logger, string server, string line);
}
