using System.Text.Json;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace AgentOps.Guardrails.Policy;

/// <summary>
/// <c>agentops policy test</c> without the command line: evaluates requests offline, in the manner of
/// <c>opa eval</c>, with the same <see cref="ActionPolicyEvaluator"/> the live pipeline uses. A file holds one request
/// or <c>{"requests": [...]}</c>, judged in order as one process would judge them: each allowed request spends its
/// rate and blast-radius budgets, so a sequence can show the call that goes over. The clock stands at each request's
/// <c>time</c> (a request without one keeps the previous request's time; the first defaults to now).
/// </summary>
public static class PolicyTestRun
{
    public static IReadOnlyList<PolicyTestResult> Evaluate(
        ActionPolicy policy, ResourceLimits limits, AgentCatalog agents, IReadOnlyList<ActionRequest> requests, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(limits);
        ArgumentNullException.ThrowIfNull(agents);
        ArgumentNullException.ThrowIfNull(requests);
        var clock = new PolicyClock(now);
        var evaluator = new ActionPolicyEvaluator(policy, limits, clock);
        var results = new List<PolicyTestResult>(requests.Count);
        foreach (var request in requests)
        {
            clock.Now = request.Time ?? clock.Now;
            agents.TryGet(request.Agent, out var agent);
            results.Add(new PolicyTestResult(request, clock.Now, evaluator.Evaluate(request with { Time = clock.Now }, agent, spend: true)));
        }
        return results;
    }

    /// <summary>Reads a request file, JSON or YAML: one request object, or an object whose <c>requests</c> is a list of them.</summary>
    /// <exception cref="ArgumentException">The file is not a request or a list of requests.</exception>
    public static IReadOnlyList<ActionRequest> ReadRequests(string file)
    {
        ArgumentException.ThrowIfNullOrEmpty(file);
        var text = File.ReadAllText(file);
        JsonNode? root;
        try
        {
            if (Path.GetExtension(file).Equals(".json", StringComparison.OrdinalIgnoreCase))
            {
                root = JsonNode.Parse(text);
            }
            else
            {
                var yaml = new YamlStream();
                yaml.Load(new StringReader(text));
                root = yaml.Documents.Count == 0 ? null : ActionPolicyLoader.ToJson(yaml.Documents[0].RootNode, "", []);
            }
        }
        catch (Exception ex) when (ex is JsonException or YamlException)
        {
            throw new ArgumentException($"{file}: not valid {(ex is JsonException ? "JSON" : "YAML")}: {ex.Message}", ex);
        }
        if (root is not JsonObject obj)
        {
            throw new ArgumentException($"{file}: expected a request object or {{\"requests\": [...]}}");
        }
        var items = obj["requests"] is JsonArray list ? list.ToList() : [obj];
        var requests = new List<ActionRequest>(items.Count);
        for (var i = 0; i < items.Count; i++)
        {
            try
            {
                requests.Add(ActionRequest.FromJson(items[i] as JsonObject ?? throw new ArgumentException("a request must be an object")));
            }
            catch (Exception ex) when (ex is ArgumentException or FormatException or InvalidOperationException)
            {
                throw new ArgumentException($"{file}: request {(obj["requests"] is null ? "" : $"[{i}] ")}is not valid: {ex.Message}", ex);
            }
        }
        return requests;
    }

    private sealed class PolicyClock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;

        public override DateTimeOffset GetUtcNow() => Now;
    }
}
