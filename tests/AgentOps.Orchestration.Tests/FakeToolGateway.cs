using System.Text.Json;
using System.Text.Json.Nodes;
using AgentOps.Orchestration.Tools;

namespace AgentOps.Orchestration.Tests;

/// <summary>
/// A fake at the <see cref="IToolGateway"/> seam: every tool publishes a permissive schema and is not read-only unless
/// the test gives it a schema (<see cref="PublishSchema"/>) or marks it read-only; calls are recorded with their
/// credential, and answer with what the test scripted for that tool.
/// </summary>
internal sealed class FakeToolGateway : IToolGateway
{
    private static readonly JsonElement s_permissiveSchema = JsonSerializer.Deserialize<JsonElement>("""{"type":"object"}""");

    private readonly Dictionary<string, ToolCallOutcome> _scripted = new(StringComparer.Ordinal);

    private readonly HashSet<string> _crashing = new(StringComparer.Ordinal);

    private readonly Dictionary<string, JsonElement> _schemas = new(StringComparer.Ordinal);

    private readonly HashSet<string> _readOnly = new(StringComparer.Ordinal);

    public List<ToolCall> Calls { get; } = [];

    public List<string> Described { get; } = [];

    public IEnumerable<string> CalledTools => Calls.Select(c => c.Tool);

    public static string ServerId(string server) => "spiffe://agentops.local/tool/" + server;

    public void Script(string tool, ToolCallOutcome outcome) => _scripted[tool] = outcome;

    public void Succeed(string tool, JsonObject structured) => Script(tool, new ToolCallOutcome(false, structured, structured.ToJsonString()));

    public void Fail(string tool, string text) => Script(tool, new ToolCallOutcome(true, null, text));

    /// <summary>The input schema <paramref name="tool"/> advertises in <c>tools/list</c>, as a server's JSON.</summary>
    public void PublishSchema(string tool, string schemaJson) => _schemas[tool] = JsonSerializer.Deserialize<JsonElement>(schemaJson);

    /// <summary>The tool is annotated <c>readOnlyHint</c>.</summary>
    public void MarkReadOnly(string tool) => _readOnly.Add(tool);

    /// <summary>The call for <paramref name="tool"/> throws, as when the process dies or the server vanishes mid-call.</summary>
    public void Crash(string tool) => _crashing.Add(tool);

    public string ServerIdOf(string server) => ServerId(server);

    public IReadOnlyList<ToolServerInfo> Servers => [];

    public Task<IReadOnlyList<ToolDescriptor>> ListToolsAsync(string server, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<ToolDescriptor>>([]);

    public List<string> WarmedUp { get; } = [];

    public Task WarmUpAsync(IEnumerable<string> servers, CancellationToken cancellationToken = default)
    {
        WarmedUp.AddRange(servers);
        return Task.CompletedTask;
    }

    public Task<ToolDescriptor?> DescribeAsync(string server, string tool, CancellationToken cancellationToken = default)
    {
        Described.Add(tool);
        var schema = _schemas.TryGetValue(tool, out var published) ? published : s_permissiveSchema;
        var readOnly = _readOnly.Contains(tool);
        return Task.FromResult<ToolDescriptor?>(new ToolDescriptor(server, tool, schema, ReadOnly: readOnly, Destructive: !readOnly));
    }

    public Task<ToolCallOutcome> CallAsync(string server, string tool, JsonObject arguments, string credential, CancellationToken cancellationToken = default)
    {
        Calls.Add(new ToolCall(server, tool, arguments.DeepClone().AsObject(), credential));
        if (_crashing.Remove(tool))
        {
            throw new IOException($"the {server} tool server went away during {tool}");
        }
        var outcome = _scripted.TryGetValue(tool, out var scripted)
            ? scripted
            : new ToolCallOutcome(false, new JsonObject { ["ok"] = true }, "ok");
        // Hand out a copy: the executor keeps the result, and a second call must not share it.
        return Task.FromResult(outcome with { Structured = outcome.Structured?.DeepClone() });
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}

internal sealed record ToolCall(string Server, string Tool, JsonObject Arguments, string Credential);
