using System.Text.Json.Nodes;
using AgentOps.Core;

namespace AgentOps.Planning.Runbook;

/// <summary>
/// Turns step templates into plan steps: <c>${param.*}</c> is rendered in every string, the string
/// <c>"${parameters}"</c> becomes an object of all parameters, and <c>${steps.*}</c> / <c>${run.*}</c>
/// stay for the executor.
/// </summary>
internal static class StepRenderer
{
    public const string AllParameters = "${parameters}";

    public static IReadOnlyList<PlanStep> Render(IReadOnlyList<StepTemplate> templates, IReadOnlyDictionary<string, string> parameters) =>
        templates.Select(t => new PlanStep(
            t.Id,
            t.Server,
            t.Tool,
            RenderObject(t.Arguments, parameters),
            SkillTemplate.Render(t.Scope, parameters),
            SkillTemplate.Render(t.Description, parameters),
            t.Critical,
            t.Compensation is { } undo
                ? new Compensation(undo.Tool, RenderObject(undo.Arguments, parameters), SkillTemplate.Render(undo.Scope, parameters))
                : null)).ToList();

    private static JsonObject RenderObject(JsonObject template, IReadOnlyDictionary<string, string> parameters) =>
        new(template.Select(p => KeyValuePair.Create(p.Key, RenderNode(p.Value, parameters))));

    private static JsonNode? RenderNode(JsonNode? node, IReadOnlyDictionary<string, string> parameters) => node switch
    {
        JsonObject map => RenderObject(map, parameters),
        JsonArray items => new JsonArray(items.Select(i => RenderNode(i, parameters)).ToArray()),
        JsonValue value when value.TryGetValue<string>(out var text) => text == AllParameters
            ? new JsonObject(parameters.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)JsonValue.Create(p.Value))))
            : JsonValue.Create(SkillTemplate.Render(text, parameters)),
        _ => node?.DeepClone(),
    };
}
