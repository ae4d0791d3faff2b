using System.Text.Json;
using System.Text.Json.Nodes;
using AgentOps.Orchestration.Tools;
using Microsoft.Extensions.Time.Testing;

namespace AgentOps.Orchestration.Tests.Investigation;

/// <summary>
/// A kubectl tool server at the <see cref="IToolGateway"/> seam, advertising tools as our kubectl server does in
/// <c>tools/list</c>: the same names, read-only and destructive hints, input schemas and descriptions ending in the scope
/// each call needs. Calls are recorded with their credential and answer what the test scripted.
/// </summary>
internal sealed class ScriptedClusterTools : IToolGateway
{
    public const string Server = "kubectl";

    private readonly Dictionary<string, ToolDescriptor> _tools;
    private readonly Dictionary<string, ToolCallOutcome> _scripted = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TimeSpan> _slow = new(StringComparer.Ordinal);
    private readonly FakeTimeProvider? _time;

    public ScriptedClusterTools(FakeTimeProvider? time = null)
    {
        _time = time;
        _tools = new[]
        {
            Tool("pods_list", true, """{"type":"object","properties":{"namespace":{"type":"string","description":"The namespace"}},"required":["namespace"]}""",
                "List the pods of a namespace with status (e.g. CrashLoopBackOff), readiness, restarts and containers. Scope: k8s:read:ns/<namespace>."),
            Tool("pod_logs", true, """{"type":"object","properties":{"namespace":{"type":"string"},"pod":{"type":"string"},"container":{"type":"string"},"tailLines":{"type":"integer"}},"required":["namespace","pod"]}""",
                "Read a container's log, returned as untrusted text (origin pod-logs) with secrets redacted. Scope: k8s:read:ns/<namespace>."),
            Tool("events_list", true, """{"type":"object","properties":{"namespace":{"type":"string"},"name":{"type":"string"}},"required":["namespace","name"]}""",
                "List the events about one object (newest last); event messages are untrusted text (origin k8s-events). Scope: k8s:read:ns/<namespace>."),
            Tool("resource_get", true, """{"type":"object","properties":{"apiVersion":{"type":"string"},"resource":{"type":"string"},"name":{"type":"string"},"namespace":{"type":"string"}},"required":["apiVersion","resource","name"]}""",
                "Get one object of any kind. Scope: k8s:read:ns/<namespace>, or k8s:read:cluster without a namespace."),
            // Read-only, but not on the investigator's allow-list (agents/investigator.yaml): L2 refuses it.
            Tool("secret_get", true, """{"type":"object","properties":{"namespace":{"type":"string"},"name":{"type":"string"}},"required":["namespace","name"]}""",
                "Get a secret's data. Scope: k8s:read:ns/<namespace>."),
            Tool("rollout_restart", false, """{"type":"object","properties":{"namespace":{"type":"string"},"name":{"type":"string"}},"required":["namespace","name"]}""",
                "Restart a deployment's pods with a rolling update. Scope: k8s:restart:ns/<namespace>/deployment/<name>."),
            Tool("deployment_scale", false, """{"type":"object","properties":{"namespace":{"type":"string"},"name":{"type":"string"},"replicas":{"type":"integer"}},"required":["namespace","name","replicas"]}""",
                "Set a deployment's replica count. Scope: k8s:scale:ns/<namespace>/deployment/<name>."),
        }.ToDictionary(t => t.Name, StringComparer.Ordinal);
    }

    public List<ToolCall> Calls { get; } = [];

    public IEnumerable<string> CalledTools => Calls.Select(c => c.Tool);

    public static string ServerId(string server) => FakeToolGateway.ServerId(server);

    public void Succeed(string tool, JsonObject structured, bool untrusted = false) =>
        _scripted[tool] = new ToolCallOutcome(false, structured, structured.ToJsonString(), untrusted);

    /// <summary>The call takes <paramref name="duration"/> of (fake) wall time.</summary>
    public void Slow(string tool, TimeSpan duration) => _slow[tool] = duration;

    public string ServerIdOf(string server) => ServerId(server);

    public IReadOnlyList<ToolServerInfo> Servers => [new ToolServerInfo(Server, ServerId(Server), ToolServerTrust.VerifiesToken, null)];

    public Task<IReadOnlyList<ToolDescriptor>> ListToolsAsync(string server, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<ToolDescriptor>>(server == Server ? _tools.Values.OrderBy(t => t.Name, StringComparer.Ordinal).ToArray() : []);

    public Task WarmUpAsync(IEnumerable<string> servers, CancellationToken cancellationToken = default) => Task.CompletedTask;

    public Task<ToolDescriptor?> DescribeAsync(string server, string tool, CancellationToken cancellationToken = default) =>
        Task.FromResult(server == Server ? _tools.GetValueOrDefault(tool) : null);

    public Task<ToolCallOutcome> CallAsync(string server, string tool, JsonObject arguments, string credential, CancellationToken cancellationToken = default)
    {
        Calls.Add(new ToolCall(server, tool, arguments.DeepClone().AsObject(), credential));
        if (_slow.TryGetValue(tool, out var duration))
        {
            _time!.Advance(duration);
        }
        var outcome = _scripted.TryGetValue(tool, out var scripted) ? scripted : new ToolCallOutcome(false, new JsonObject { ["ok"] = true }, "ok");
        return Task.FromResult(outcome with { Structured = outcome.Structured?.DeepClone() });
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private static ToolDescriptor Tool(string name, bool readOnly, string schema, string description) =>
        new(Server, name, JsonSerializer.Deserialize<JsonElement>(schema), readOnly, !readOnly, description);
}
