using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AgentOps.Core;
using AgentOps.Guardrails.Injection;
using AgentOps.Guardrails.Policy;
using Json.Schema;

namespace AgentOps.Guardrails.Layers;

/// <summary>
/// L1: the arguments must match the tool's own input schema, stay within size, and carry no secret and no
/// injection text. A tool whose schema is unknown is denied: we do not send what we cannot check.
/// </summary>
public sealed class InputValidationLayer(GuardrailPolicy policy, TextScreen screen) : IGuardrailLayer
{
    private static readonly EvaluationOptions s_verdictOnly = new() { OutputFormat = OutputFormat.Flag };

    private readonly ConcurrentDictionary<string, JsonSchema> _schemas = new(StringComparer.Ordinal);

    public string Name => "L1.input";

    /// <summary>The screen this layer uses, for screening what tools return with the same policy.</summary>
    public TextScreen Screen => screen;

    public ValueTask<LayerDecision> EvaluateAsync(GuardrailContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Taint is { Quarantined: true } taint)
        {
            return Decide(Verdict.Deny, "input.quarantined-source",
                $"the arguments are built from tool output that was blocked as a prompt injection: {taint.Describe()}; nothing is sent");
        }
        var json = context.Arguments.ToJsonString();
        if (Encoding.UTF8.GetByteCount(json) > policy.Limits.MaxArgumentBytes)
        {
            return Decide(Verdict.Deny, "input.size", $"arguments are larger than {policy.Limits.MaxArgumentBytes} bytes");
        }
        if (context.ToolInputSchema is not { } schemaElement)
        {
            return Decide(Verdict.Deny, "input.schema-unknown", $"'{context.Step.Server}/{context.Step.Tool}' did not publish an input schema");
        }
        JsonSchema schema;
        try
        {
            schema = _schemas.GetOrAdd(schemaElement.GetRawText(), Compile);
        }
        catch (Exception ex) when (ex is JsonSchemaException or JsonException or ArgumentException)
        {
            return Decide(Verdict.Deny, "input.schema-invalid", $"the input schema of '{context.Step.Server}/{context.Step.Tool}' cannot be compiled: {ex.Message}");
        }
        using var document = JsonDocument.Parse(json);
        // Valid arguments, the usual case, need only the verdict: the Flag format stops at the first failure and builds
        // no result tree, whose garbage is what puts a pause into the slowest calls. Invalid ones are evaluated again,
        // for the details a refusal names.
        if (!schema.Evaluate(document.RootElement, s_verdictOnly).IsValid)
        {
            var result = schema.Evaluate(document.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
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
            if (screen.Scan(text, ScanChannel.ToolArgument) is { Verdict: ScanVerdict.Block } injection)
            {
                return Decide(Verdict.Deny, injection.Rule, $"an argument carries injection text ({injection.Top!.Description}; {injection.Describe()})");
            }
        }
        return Decide(Verdict.Allow, "input.valid", "arguments match the tool schema; no secret or injection text found");
    }

    // Tool schemas are plain JSON Schema 2020-12 (MCP's default). The dialect is explicit because JsonSchema.Net 8
    // defaults to a dialect that rejects unknown keywords, and a private registry keeps servers' schemas apart.
    private static JsonSchema Compile(string schemaText)
    {
        // The built schema keeps referring to the element, so it gets a clone that owns its memory.
        using var document = JsonDocument.Parse(schemaText);
        var element = document.RootElement.Clone();
        return JsonSchema.Build(element, new BuildOptions { SchemaRegistry = new SchemaRegistry(), Dialect = Dialect.Draft202012 });
    }

    private ValueTask<LayerDecision> Decide(Verdict verdict, string rule, string reason) => ValueTask.FromResult(new LayerDecision(Name, verdict, rule, reason));

    private static IEnumerable<string> Strings(JsonNode? node) => node switch
    {
        // Property names are text the tool receives too: a secret or an instruction can hide in a key.
        JsonObject obj => obj.SelectMany(p => Strings(p.Value).Prepend(p.Key)),
        JsonArray array => array.SelectMany(Strings),
        JsonValue value when value.TryGetValue<string>(out var s) => [s],
        _ => [],
    };
}
