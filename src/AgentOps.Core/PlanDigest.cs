using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace AgentOps.Core;

/// <summary>
/// SHA-256 over the plan in canonical JSON (object keys sorted ordinally, no whitespace).
/// An approval holds for one digest: if any step, argument or parameter changes, so does the digest.
/// </summary>
public static class PlanDigest
{
    public static string Compute(Plan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var node = new JsonObject
        {
            ["skill"] = plan.Skill,
            ["parameters"] = new JsonObject(plan.Parameters.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)JsonValue.Create(p.Value)))),
            ["steps"] = new JsonArray(plan.Steps.Select(StepNode).ToArray()),
        };
        return "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(CanonicalJson.Serialize(node))));
    }

    private static JsonNode StepNode(PlanStep step) => new JsonObject
    {
        ["id"] = step.Id,
        ["server"] = step.Server,
        ["tool"] = step.Tool,
        ["arguments"] = step.Arguments.DeepClone(),
        ["scope"] = step.Scope,
        ["critical"] = step.Critical,
        ["compensation"] = step.Compensation is null ? null : new JsonObject
        {
            ["tool"] = step.Compensation.Tool,
            ["arguments"] = step.Compensation.Arguments.DeepClone(),
            ["scope"] = step.Compensation.Scope,
        },
    };
}
