using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AgentOps.Core;
using AgentOps.Guardrails.Policy;
using Json.Schema;

namespace AgentOps.Guardrails.Layers;

/// <summary>
/// L1: the arguments must match the tool's own input schema, stay within size, and carry no secret and no
/// injection text. A tool whose schema is unknown is denied: we do not send what we cannot check.
/// </summary>
public sealed class InputValidationLayer(GuardrailPolicy policy, TextScreen screen) : IGuardrailLayer
{
    public string Name => "L1.input";

    public ValueTask<LayerDecision> EvaluateAsync(GuardrailContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        var json = context.Arguments.ToJsonString();
        if (Encoding.UTF8.GetByteCount(json) > policy.Limits.MaxArgumentBytes)
        {
            return Decide(Verdict.Deny, "input.size", $"arguments are larger than {policy.Limits.MaxArgumentBytes} bytes");
        }
        if (context.ToolInputSchema is not { } schemaElement)
        {
            return Decide(Verdict.Deny, "input.schema-unknown", $"'{context.Step.Server}/{context.Step.Tool}' did not publish an input schema");
        }
        var schema = JsonSchema.FromText(schemaElement.GetRawText());
        var result = schema.Evaluate(JsonDocument.Parse(json).RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        if (!result.IsValid)
        {
            var errors = (result.Details ?? []).Where(d => d.Errors is { Count: > 0 })
                .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}")).Take(5);
            return Decide(Verdict.Deny, "input.schema", "arguments do not match the tool's input schema: " + string.Join("; ", errors));
        }
        foreach (var text in Strings(context.Arguments))
        {
            if (screen.FindSecret(text) is { } secret)
            {
                return Decide(Verdict.Deny, "secrets." + secret.Id, $"an argument looks like it holds a secret ({secret.Description}); secrets never go into tool calls or pull requests");
            }
            if (screen.FindInjection(text) is { } injection)
            {
                return Decide(Verdict.Deny, "injection." + injection.Id, $"an argument carries injection text ({injection.Description})");
            }
        }
        return Decide(Verdict.Allow, "input.valid", "arguments match the tool schema; no secret or injection text found");
    }

    private ValueTask<LayerDecision> Decide(Verdict verdict, string rule, string reason) => ValueTask.FromResult(new LayerDecision(Name, verdict, rule, reason));

    private static IEnumerable<string> Strings(JsonNode? node) => node switch
    {
        JsonObject obj => obj.SelectMany(p => Strings(p.Value)),
        JsonArray array => array.SelectMany(Strings),
        JsonValue value when value.TryGetValue<string>(out var s) => [s],
        _ => [],
    };
}
