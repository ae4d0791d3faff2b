using System.Text.Json.Nodes;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace AgentOps.Benchmarks.McpStdio;

/// <summary>
/// One MCP server as the benchmark drives it: how to start it, the cheap read tool to call, and the per-call
/// credential it needs (ours take a fresh single-use token in <c>_meta</c>; the Go server takes none).
/// </summary>
internal sealed class ServerUnderTest(string label, string command, IReadOnlyList<string> arguments, string tool, Func<string>? mintToken)
{
    public const string CredentialMetaKey = "io.agentops/credential";

    public string Label { get; } = label;

    public string CommandLine => string.Join(' ', arguments.Prepend(command));

    public Samples RoundTrip { get; } = new();

    /// <summary>Round trip without minting the token: the part the server and the pipe account for.</summary>
    public Samples CallOnly { get; } = new();

    public Samples ColdStart { get; } = new();

    /// <summary>Calls that failed, with the server's reason: left out of the timings, and reported.</summary>
    public List<string> Failures { get; } = [];

    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _recentErrors = new();

    public StdioClientTransport Transport() => new(new StdioClientTransportOptions
    {
        Name = Label,
        Command = command,
        Arguments = [.. arguments],
        // Kept only to explain a failed call: the servers log little at their default levels.
        StandardErrorLines = line =>
        {
            _recentErrors.Enqueue(line);
            while (_recentErrors.Count > 20 && _recentErrors.TryDequeue(out _))
            {
            }
        },
    });

    /// <summary>Mints the call's token (ours) and calls the tool; throws <see cref="ToolCallFailedException"/> when the tool answers with an error.</summary>
    public async Task<(TimeSpan Mint, TimeSpan Call)> CallAsync(McpClient client, CancellationToken cancellationToken)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var options = mintToken is null ? null : new ModelContextProtocol.RequestOptions { Meta = new JsonObject { [CredentialMetaKey] = mintToken() } };
        var minted = System.Diagnostics.Stopwatch.GetTimestamp();
        var result = await client.CallToolAsync(tool, new Dictionary<string, object?>(), options: options, cancellationToken: cancellationToken).ConfigureAwait(false);
        var answered = System.Diagnostics.Stopwatch.GetTimestamp();
        if (result.IsError == true)
        {
            var text = string.Join(' ', result.Content.OfType<TextContentBlock>().Select(t => t.Text));
            // The server's own log says why; its first exception line is enough for the report.
            var cause = _recentErrors.FirstOrDefault(l => l.Contains("Exception", StringComparison.Ordinal))?.Trim();
            throw new ToolCallFailedException($"{text}{(cause is null ? string.Empty : " (" + cause + ")")}");
        }
        return (System.Diagnostics.Stopwatch.GetElapsedTime(started, minted), System.Diagnostics.Stopwatch.GetElapsedTime(minted, answered));
    }
}
