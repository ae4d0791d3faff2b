using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using ModelContextProtocol.Client;

namespace AgentOps.Testing;

/// <summary>
/// One of our tool servers as a real child process in Streamable HTTP mode (<c>--http</c>) on a free loopback port,
/// started and answering before <see cref="StartAsync"/> returns. The token travels as <c>Authorization: Bearer</c>.
/// </summary>
public sealed class HttpToolServer : IAsyncDisposable
{
    private static readonly TimeSpan s_startTimeout = TimeSpan.FromSeconds(60);
    private const int PortAttempts = 3;

    private readonly Process _process;
    private readonly StringBuilder _log;

    private HttpToolServer(ToolServerSandbox sandbox, Process process, StringBuilder log, int port)
    {
        Sandbox = sandbox;
        _process = process;
        _log = log;
        Port = port;
        Endpoint = new Uri($"http://127.0.0.1:{port}/mcp");
    }

    public ToolServerSandbox Sandbox { get; }

    public int Port { get; }

    /// <summary>The Streamable HTTP endpoint, <c>http://127.0.0.1:PORT/mcp</c>.</summary>
    public Uri Endpoint { get; }

    public string ServerId => Sandbox.ServerId;

    /// <summary>What the server has written to stdout and stderr so far, for assertion messages.</summary>
    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    public static async Task<HttpToolServer> StartAsync(string assembly, string serverId, string[]? extraArguments = null, CancellationToken cancellationToken = default)
    {
        var sandbox = ToolServerSandbox.Create(assembly, serverId);
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                // The port is free when we look and taken by the server a moment later; another process can win that
                // race, in which case the server exits at once and a fresh port is tried.
                var port = FreeLoopbackPort();
                var (process, log) = Launch(sandbox, port, extraArguments ?? []);
                if (await WaitUntilAnsweringAsync(process, port, cancellationToken).ConfigureAwait(false))
                {
                    return new HttpToolServer(sandbox, process, log, port);
                }
                process.Dispose();
                if (attempt == PortAttempts)
                {
                    throw new InvalidOperationException($"{assembly} did not start in HTTP mode:\n{Snapshot(log)}");
                }
            }
        }
        catch
        {
            sandbox.Dispose();
            throw;
        }
    }

    /// <summary>A token for this server (or for <paramref name="audience"/>) carrying <paramref name="scope"/>.</summary>
    public string Token(string scope, string? audience = null, DateTimeOffset? mintedAt = null) => Sandbox.Token(scope, audience, mintedAt);

    /// <summary>Our own C# client on this server, sending <paramref name="bearerToken"/> (if any) on every request.</summary>
    public async Task<McpClient> ConnectAsync(string? bearerToken = null, CancellationToken cancellationToken = default)
    {
        var headers = bearerToken is null ? new Dictionary<string, string>() : new Dictionary<string, string> { ["Authorization"] = "Bearer " + bearerToken };
        var transport = new HttpClientTransport(new HttpClientTransportOptions
        {
            Endpoint = Endpoint,
            TransportMode = HttpTransportMode.StreamableHttp,
            AdditionalHeaders = headers,
        });
        return await McpClient.CreateAsync(transport, cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        _process.Dispose();
        Sandbox.Dispose();
    }

    private static (Process Process, StringBuilder Log) Launch(ToolServerSandbox sandbox, int port, string[] extraArguments)
    {
        var command = sandbox.Command(["--http", "--urls", $"http://127.0.0.1:{port}", .. extraArguments]);
        var start = new ProcessStartInfo(command[0])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in command.Skip(1))
        {
            start.ArgumentList.Add(argument);
        }
        var log = new StringBuilder();
        var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Append(log, e.Data);
        process.ErrorDataReceived += (_, e) => Append(log, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return (process, log);
    }

    // Any HTTP answer on the endpoint (a GET on a stateless server is refused) means Kestrel is listening and the MCP
    // pipeline is mapped. False when the process exits first.
    private static async Task<bool> WaitUntilAnsweringAsync(Process process, int port, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(s_startTimeout);
        while (!process.HasExited)
        {
            try
            {
                using var response = await http.GetAsync(new Uri($"http://127.0.0.1:{port}/mcp"), deadline.Token).ConfigureAwait(false);
                return true;
            }
            catch (HttpRequestException)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(100), deadline.Token).ConfigureAwait(false);
            }
        }
        return false;
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static void Append(StringBuilder log, string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (log)
        {
            log.AppendLine(line);
        }
    }

    private static string Snapshot(StringBuilder log)
    {
        lock (log)
        {
            return log.ToString();
        }
    }
}
