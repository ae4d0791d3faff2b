using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace AgentOps.Guardrails.Policy;

/// <summary>
/// The facts L2 judges one tool call on. A live call builds it from its <see cref="GuardrailContext"/>
/// (<see cref="FromContext"/>); <c>agentops policy test</c> builds it from a request file (<see cref="FromJson"/>).
/// Both read the arguments the same way (<see cref="WithArgumentFacts"/>), so they decide alike.
/// </summary>
public sealed record ActionRequest(string Agent, string Server, string Tool, string Scope, bool ReadOnly, string RunId, string Requester)
{
    /// <summary>An undo of a step that ran (see <see cref="GuardrailContext.Compensating"/>): exempt from the change calendar and the budgets.</summary>
    public bool Compensating { get; init; }

    /// <summary>The tenant whose rate budget the call spends; null means the requester's tenant from the policy.</summary>
    public string? Tenant { get; init; }

    public string? Namespace { get; init; }

    public string? Size { get; init; }

    public int? Replicas { get; init; }

    /// <summary>Storage as a Kubernetes quantity (<c>20Gi</c>).</summary>
    public string? Storage { get; init; }

    /// <summary>Estimated cost in USD per month.</summary>
    public decimal? MonthlyCost { get; init; }

    /// <summary>How many objects the call changes: files written, resources scaled; 0 for a read.</summary>
    public int ObjectsChanged { get; init; }

    /// <summary>Files in a <c>files</c> argument, the largest one's UTF-8 size, and whether any entry has the wrong shape.</summary>
    public int? FileCount { get; init; }

    public int LargestFileBytes { get; init; }

    public bool FilesMalformed { get; init; }

    /// <summary>When the call happens; null means now (the evaluator's clock).</summary>
    public DateTimeOffset? Time { get; init; }

    public static ActionRequest FromContext(GuardrailContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var step = context.Step;
        // Built once with its facts (not built and then copied by WithArgumentFacts): this runs on every tool call.
        var facts = ArgumentFacts.Read(context.Arguments, step.Scope, context.ToolIsReadOnly);
        return new ActionRequest(context.Agent.Name, step.Server, step.Tool, step.Scope, context.ToolIsReadOnly, context.RunId, context.Requester)
        {
            Compensating = context.Compensating,
            Namespace = facts.Namespace,
            Size = facts.Size,
            Replicas = facts.Replicas,
            Storage = facts.Storage,
            MonthlyCost = facts.MonthlyCost,
            FileCount = facts.FileCount,
            LargestFileBytes = facts.LargestFileBytes,
            FilesMalformed = facts.FilesMalformed,
            ObjectsChanged = facts.ObjectsChanged,
        };
    }

    /// <summary>
    /// A request file's object: <c>agent</c>, <c>server</c>, <c>tool</c>, <c>scope</c> (or <c>verb</c>, making
    /// <c>server:verb</c>), <c>readOnly</c>, <c>runId</c>, <c>requester</c>, <c>tenant</c>, <c>time</c>, <c>arguments</c>;
    /// <c>namespace</c>, <c>size</c>, <c>replicas</c>, <c>storage</c>, <c>monthlyCost</c> and <c>objectsChanged</c>
    /// replace what the arguments say.
    /// </summary>
    public static ActionRequest FromJson(JsonObject json)
    {
        ArgumentNullException.ThrowIfNull(json);
        var server = Text(json, "server") ?? throw new ArgumentException("the request needs a 'server' (e.g. git)");
        var scope = Text(json, "scope") ?? (Text(json, "verb") is { } verb ? $"{server}:{verb}" : throw new ArgumentException("the request needs a 'scope' or a 'verb'"));
        var request = new ActionRequest(
            Text(json, "agent") ?? throw new ArgumentException("the request needs an 'agent'"),
            server,
            Text(json, "tool") ?? throw new ArgumentException("the request needs a 'tool'"),
            scope,
            json["readOnly"] is JsonValue readOnly && readOnly.GetValue<bool>(),
            Text(json, "runId") ?? "policy-test",
            Text(json, "requester") ?? "policy-test@localhost")
        {
            Tenant = Text(json, "tenant"),
            Time = Text(json, "time") is { } time
                ? DateTimeOffset.Parse(time, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal)
                : null,
        };
        request = request.WithArgumentFacts(json["arguments"] as JsonObject ?? []);
        return request with
        {
            Namespace = Text(json, "namespace") ?? request.Namespace,
            Size = Text(json, "size") ?? request.Size,
            Replicas = Integer(json["replicas"]) ?? request.Replicas,
            Storage = Text(json, "storage") ?? request.Storage,
            MonthlyCost = Number(json["monthlyCost"]) ?? request.MonthlyCost,
            ObjectsChanged = Integer(json["objectsChanged"]) ?? request.ObjectsChanged,
        };
    }

    /// <summary>
    /// Reads the facts from the arguments: <c>namespace</c>, <c>size</c>, <c>replicas</c>, <c>storage</c>,
    /// <c>monthlyCost</c> at the top or under <c>parameters</c>; the namespace also from an <c>ns/&lt;name&gt;</c>
    /// scope; the objects changed are the files written, or one for any other write.
    /// </summary>
    public ActionRequest WithArgumentFacts(JsonObject arguments)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var facts = ArgumentFacts.Read(arguments, Scope, ReadOnly);
        return this with
        {
            Namespace = facts.Namespace,
            Size = facts.Size,
            Replicas = facts.Replicas,
            Storage = facts.Storage,
            MonthlyCost = facts.MonthlyCost,
            FileCount = facts.FileCount,
            LargestFileBytes = facts.LargestFileBytes,
            FilesMalformed = facts.FilesMalformed,
            ObjectsChanged = facts.ObjectsChanged,
        };
    }

    private readonly record struct ArgumentFacts(
        string? Namespace, string? Size, int? Replicas, string? Storage, decimal? MonthlyCost, int? FileCount, int LargestFileBytes, bool FilesMalformed, int ObjectsChanged)
    {
        public static ArgumentFacts Read(JsonObject arguments, string scope, bool readOnly)
        {
            var parameters = arguments["parameters"] as JsonObject;
            int? fileCount = null;
            var largest = 0;
            var malformed = false;
            if (arguments["files"] is JsonArray files)
            {
                fileCount = files.Count;
                // The shape is L1's business, but L2 must never throw on it.
                for (var i = 0; i < files.Count && !malformed; i++)
                {
                    if (files[i] is JsonObject file && file["content"] is JsonValue content && content.TryGetValue<string>(out var text))
                    {
                        largest = Math.Max(largest, Encoding.UTF8.GetByteCount(text));
                    }
                    else
                    {
                        malformed = true;
                        largest = 0;
                    }
                }
            }
            return new ArgumentFacts(
                (Fact(arguments, parameters, "namespace") as JsonValue)?.TryGetValue<string>(out var ns) == true ? ns : NamespaceOfScope(scope),
                (Fact(arguments, parameters, "size") as JsonValue)?.TryGetValue<string>(out var size) == true ? size : null,
                Integer(Fact(arguments, parameters, "replicas")),
                (Fact(arguments, parameters, "storage") as JsonValue)?.TryGetValue<string>(out var storage) == true ? storage : null,
                Number(Fact(arguments, parameters, "monthlyCost")),
                fileCount,
                largest,
                malformed,
                readOnly ? 0 : Math.Max(1, fileCount ?? 1));
        }
    }

    private static JsonNode? Fact(JsonObject arguments, JsonObject? parameters, string name) => arguments[name] ?? parameters?[name];

    // Read on every tool call from a handful of distinct scopes: each scope's answer is worked out once.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, string?> s_namespaceOfScope = new(StringComparer.Ordinal);

    private static string? NamespaceOfScope(string scope)
    {
        if (s_namespaceOfScope.TryGetValue(scope, out var cached))
        {
            return cached;
        }
        var name = AgentOps.Core.Scope.TryParse(scope, out var parsed) && parsed.Resource is { } resource && resource.StartsWith("ns/", StringComparison.Ordinal)
            && resource[3..].Split('/')[0] is { Length: > 0 } first && !first.Contains('*', StringComparison.Ordinal)
            ? first
            : null;
        if (s_namespaceOfScope.Count < 4096)
        {
            s_namespaceOfScope.TryAdd(scope, name);
        }
        return name;
    }

    private static string? Text(JsonObject json, string key) =>
        json[key] is JsonValue value && value.TryGetValue<string>(out var text) && text.Length > 0 ? text : null;

    private static int? Integer(JsonNode? node) =>
        Number(node) is { } number && number == decimal.Truncate(number) && number is >= int.MinValue and <= int.MaxValue ? (int)number : null;

    // Numbers come as JSON numbers of any CLR type (a parsed document, a decimal or an int set in code) or as text.
    private static decimal? Number(JsonNode? node) => node is JsonValue value
        ? value.TryGetValue<decimal>(out var d) ? d
        : value.TryGetValue<long>(out var l) ? l
        : value.TryGetValue<int>(out var i) ? i
        : value.TryGetValue<double>(out var f) && double.IsFinite(f) ? (decimal)f
        : value.TryGetValue<string>(out var s) && decimal.TryParse(s, NumberStyles.Number, CultureInfo.InvariantCulture, out var parsed) ? parsed : null
        : null;
}
