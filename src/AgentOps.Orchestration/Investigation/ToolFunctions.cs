using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using AgentOps.Orchestration.Tools;
using Microsoft.SemanticKernel;

namespace AgentOps.Orchestration.Investigation;

/// <summary>
/// A call the guardrail filter has approved: the exact arguments it judged and the token minted for exactly that call.
/// The filter puts it into the call's <see cref="KernelArguments"/> under <see cref="ToolFunctions.ApprovalKey"/>; the
/// model can only send strings, so it cannot forge one.
/// </summary>
internal sealed record ApprovedCall(string Server, string Tool, JsonObject Arguments, string Credential);

/// <summary>
/// The tool servers' tools as Semantic Kernel functions: plugin = server, function = tool, so the model sees
/// <c>kubectl-pods_list</c> with the tool's description and its parameters from the tool's input schema. A function
/// does nothing by itself: it calls the gateway only with an <see cref="ApprovedCall"/> the filter left for it, so a
/// function invoked without passing the guardrails fails instead of reaching a server.
/// </summary>
internal static partial class ToolFunctions
{
    public const string ApprovalKey = "__agentops_approved_call";

    public static KernelPlugin CreatePlugin(IToolGateway gateway, string server, IEnumerable<ToolDescriptor> tools) =>
        KernelPluginFactory.CreateFromFunctions(server, $"Tools of the {server} tool server", tools.Select(t => CreateFunction(gateway, t)));

    /// <summary>True when Semantic Kernel accepts the name as a plugin or function name (letters, digits, underscores).</summary>
    public static bool IsValidName(string name) => ValidName().IsMatch(name);

    private static KernelFunction CreateFunction(IToolGateway gateway, ToolDescriptor tool)
    {
        async Task<ToolCallOutcome> InvokeAsync(KernelArguments arguments, CancellationToken cancellationToken)
        {
            if (!arguments.TryGetValue(ApprovalKey, out var value) || value is not ApprovedCall call || call.Server != tool.Server || call.Tool != tool.Name)
            {
                throw new InvalidOperationException($"{tool.Server}/{tool.Name} was invoked without the guardrails' approval; it is only called through the investigation filter.");
            }
            arguments.Remove(ApprovalKey);
            return await gateway.CallAsync(call.Server, call.Tool, call.Arguments, call.Credential, cancellationToken).ConfigureAwait(false);
        }

        return KernelFunctionFactory.CreateFromMethod(
            (Func<KernelArguments, CancellationToken, Task<ToolCallOutcome>>)InvokeAsync,
            tool.Name,
            tool.Description ?? string.Empty,
            Parameters(tool.InputSchema),
            new KernelReturnParameterMetadata { Description = "the tool's result" });
    }

    private static List<KernelParameterMetadata> Parameters(JsonElement schema)
    {
        var parameters = new List<KernelParameterMetadata>();
        if (schema.ValueKind != JsonValueKind.Object || !schema.TryGetProperty("properties", out var properties) || properties.ValueKind != JsonValueKind.Object)
        {
            return parameters;
        }
        var required = schema.TryGetProperty("required", out var list) && list.ValueKind == JsonValueKind.Array
            ? list.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!).ToHashSet(StringComparer.Ordinal)
            : [];
        foreach (var property in properties.EnumerateObject())
        {
            parameters.Add(new KernelParameterMetadata(property.Name)
            {
                Description = property.Value.TryGetProperty("description", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString() : null,
                IsRequired = required.Contains(property.Name),
                Schema = KernelJsonSchema.Parse(property.Value.GetRawText()),
            });
        }
        return parameters;
    }

    /// <summary>
    /// The arguments as the tool's schema types them. Semantic Kernel hands every argument over as a string
    /// (<c>"limit":"2"</c>); a value whose property is typed integer, number, boolean, object or array and parses as
    /// such gets that type back, anything else stays as sent, for L1's schema check to judge.
    /// </summary>
    public static JsonObject ToJson(KernelArguments arguments, JsonElement schema)
    {
        var json = new JsonObject();
        foreach (var (name, value) in arguments)
        {
            if (name == ApprovalKey)
            {
                continue;
            }
            json[name] = value switch
            {
                null => null,
                string text => Typed(text, TypeOf(schema, name)),
                JsonElement element => JsonNode.Parse(element.GetRawText()),
                JsonNode node => node.DeepClone(),
                _ => JsonValue.Create(Convert.ToString(value, CultureInfo.InvariantCulture)),
            };
        }
        return json;
    }

    private static string? TypeOf(JsonElement schema, string name) =>
        schema.ValueKind == JsonValueKind.Object && schema.TryGetProperty("properties", out var properties) && properties.ValueKind == JsonValueKind.Object
            && properties.TryGetProperty(name, out var property) && property.ValueKind == JsonValueKind.Object
            && property.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String
            ? type.GetString()
            : null;

    private static JsonNode? Typed(string text, string? type)
    {
        switch (type)
        {
            case "integer" when long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer):
                return JsonValue.Create(integer);
            case "number" when double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number):
                return JsonValue.Create(number);
            case "boolean" when bool.TryParse(text, out var flag):
                return JsonValue.Create(flag);
            case "object" or "array":
                try
                {
                    var parsed = JsonNode.Parse(text);
                    return type == "object" ? parsed as JsonObject ?? (JsonNode?)JsonValue.Create(text) : parsed as JsonArray ?? (JsonNode?)JsonValue.Create(text);
                }
                catch (JsonException)
                {
                    return JsonValue.Create(text);
                }
            default:
                return JsonValue.Create(text);
        }
    }

    [GeneratedRegex("^[A-Za-z0-9_]+$", RegexOptions.CultureInvariant)]
    private static partial Regex ValidName();
}
