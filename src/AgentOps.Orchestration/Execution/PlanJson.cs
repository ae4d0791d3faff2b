using System.Text.Json;
using System.Text.Json.Nodes;
using AgentOps.Core;

namespace AgentOps.Orchestration.Execution;

/// <summary>Plans as JSON, for the run store and for <c>--json</c> output.</summary>
public static class PlanJson
{
    public static JsonObject ToNode(Plan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        return new JsonObject
        {
            ["skill"] = plan.Skill,
            ["summary"] = plan.Summary,
            ["digest"] = PlanDigest.Compute(plan),
            ["parameters"] = new JsonObject(plan.Parameters.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value))),
            ["steps"] = new JsonArray(plan.Steps.Select(s => (JsonNode)new JsonObject
            {
                ["id"] = s.Id,
                ["server"] = s.Server,
                ["tool"] = s.Tool,
                ["scope"] = s.Scope,
                ["description"] = s.Description,
                ["critical"] = s.Critical,
                ["arguments"] = s.Arguments.DeepClone(),
                ["compensation"] = s.Compensation is null ? null : new JsonObject
                {
                    ["tool"] = s.Compensation.Tool,
                    ["scope"] = s.Compensation.Scope,
                    ["arguments"] = s.Compensation.Arguments.DeepClone(),
                },
            }).ToArray()),
        };
    }

    public static string Serialize(Plan plan) => ToNode(plan).ToJsonString();

    public static Plan Deserialize(string json)
    {
        var node = JsonNode.Parse(json)?.AsObject() ?? throw new JsonException("A stored plan is empty.");
        var parameters = node["parameters"]!.AsObject().ToDictionary(p => p.Key, p => p.Value!.GetValue<string>(), StringComparer.Ordinal);
        var steps = node["steps"]!.AsArray().Select(s => new PlanStep(
            s!["id"]!.GetValue<string>(),
            s["server"]!.GetValue<string>(),
            s["tool"]!.GetValue<string>(),
            s["arguments"]!.AsObject().DeepClone().AsObject(),
            s["scope"]!.GetValue<string>(),
            s["description"]?.GetValue<string>() ?? string.Empty,
            s["critical"]?.GetValue<bool>() ?? false,
            s["compensation"] is JsonObject c
                ? new Compensation(c["tool"]!.GetValue<string>(), c["arguments"]!.AsObject().DeepClone().AsObject(), c["scope"]!.GetValue<string>())
                : null)).ToArray();
        return new Plan(node["skill"]!.GetValue<string>(), parameters, steps, node["summary"]?.GetValue<string>() ?? string.Empty);
    }
}
