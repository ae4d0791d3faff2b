using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;

namespace AgentOps.Planning.Kernel;

/// <summary>The model's answer in plan mode: a skill (or none) and the parameter values it read.</summary>
public sealed record ModelPlan(string? Skill, IReadOnlyDictionary<string, string?> Parameters, string? Reason)
{
    /// <summary>
    /// Reads the model's text as a plan. Repairs only what is unambiguous (a Markdown code fence or prose around one
    /// JSON object); anything else, or a document the schema refuses, is an error naming what is wrong.
    /// </summary>
    public static bool TryRead(string? text, JsonSchema schema, out ModelPlan? plan, out string error)
    {
        ArgumentNullException.ThrowIfNull(schema);
        plan = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "the answer was empty";
            return false;
        }
        var start = text.IndexOf('{', StringComparison.Ordinal);
        var end = text.LastIndexOf('}');
        if (start < 0 || end < start)
        {
            error = "the answer holds no complete JSON object";
            return false;
        }
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text.AsMemory(start, end - start + 1), new JsonDocumentOptions { MaxDepth = 8 });
        }
        catch (JsonException ex)
        {
            error = $"the answer is not valid JSON ({ex.Message})";
            return false;
        }
        using (document)
        {
            var result = schema.Evaluate(document.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
            if (!result.IsValid)
            {
                var problems = (result.Details ?? []).Where(d => d.Errors is { Count: > 0 })
                    .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}")).Distinct().Take(5);
                error = "the answer does not match the plan schema: " + string.Join("; ", problems);
                return false;
            }
            var root = JsonNode.Parse(document.RootElement.GetRawText())!.AsObject();
            var parameters = root["parameters"]!.AsObject().ToDictionary(p => p.Key, p => p.Value?.GetValue<string>(), StringComparer.Ordinal);
            plan = new ModelPlan(root["skill"]?.GetValue<string>(), parameters, root["reason"]?.GetValue<string>());
            error = string.Empty;
            return true;
        }
    }
}
