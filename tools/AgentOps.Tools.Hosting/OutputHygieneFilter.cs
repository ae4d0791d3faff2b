using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace AgentOps.Tools.Hosting;

/// <summary>
/// Runs after every tool, so no tool can forget: redacts every text block and every string in the structured
/// content, and when the result holds <see cref="UntrustedText"/> sets <c>_meta["io.agentops/trust"] = "untrusted"</c>
/// so the orchestrator taints whatever is derived from it.
/// </summary>
internal sealed class OutputHygieneFilter(OutputHygiene hygiene)
{
    public const string TrustMetaKey = "io.agentops/trust";

    public async ValueTask<CallToolResult> InvokeAsync(
        RequestContext<CallToolRequestParams> context,
        McpRequestHandler<CallToolRequestParams, CallToolResult> next,
        CancellationToken cancellationToken)
    {
        var result = await next(context, cancellationToken).ConfigureAwait(false);
        try
        {
            return Clean(result);
        }
        catch (OutputWithheldException ex)
        {
            throw new McpException($"'{context.Params?.Name}': {ex.Message}.", ex);
        }
    }

    private CallToolResult Clean(CallToolResult result)
    {
        string? mirrorOf = null;
        string? redactedMirror = null;
        if (result.StructuredContent is { } clean && hygiene.IsClean(clean, out var holdsUntrusted))
        {
            // Nothing to redact: the result leaves as the tool built it, with no tree built and written again.
            MarkUntrusted(result, holdsUntrusted);
            mirrorOf = redactedMirror = clean.GetRawText();
        }
        else if (result.StructuredContent is { } structured)
        {
            mirrorOf = structured.GetRawText();
            var tree = JsonNode.Parse(mirrorOf);
            hygiene.RedactTree(tree);
            if (tree is not null)
            {
                result.StructuredContent = JsonSerializer.SerializeToElement(tree, JsonNodeJson.Default.JsonNode);
                redactedMirror = tree.ToJsonString();
            }
            MarkUntrusted(result, HoldsUntrusted(tree));
        }
        foreach (var text in result.Content.OfType<TextContentBlock>())
        {
            // The SDK's text mirror of the structured content is the same JSON: reuse its redaction rather than
            // parsing and redacting it a second time. Anything else is redacted on its own.
            text.Text = redactedMirror is not null && string.Equals(text.Text, mirrorOf, StringComparison.Ordinal)
                ? redactedMirror
                : RedactText(text.Text);
        }
        return result;
    }

    private static void MarkUntrusted(CallToolResult result, bool holdsUntrusted)
    {
        if (holdsUntrusted)
        {
            result.Meta ??= [];
            result.Meta[TrustMetaKey] = UntrustedText.Marker;
        }
    }

    // The SDK mirrors structured content into a JSON text block; key-based redaction must reach that copy too.
    private string RedactText(string text)
    {
        var trimmed = text.AsSpan().TrimStart();
        if (trimmed.Length > 0 && trimmed[0] is '{' or '[')
        {
            try
            {
                var tree = JsonNode.Parse(text);
                return hygiene.RedactTree(tree)?.ToJsonString() ?? text;
            }
            catch (JsonException)
            {
                // Not JSON after all: fall through to pattern redaction.
            }
        }
        return hygiene.Redact(text);
    }

    private static bool HoldsUntrusted(JsonNode? node) => node switch
    {
        JsonObject obj => obj["trust"] is JsonValue v && v.TryGetValue<string>(out var trust) && trust == UntrustedText.Marker
            || obj.Any(p => HoldsUntrusted(p.Value)),
        JsonArray array => array.Any(HoldsUntrusted),
        _ => false,
    };
}

// Source-generated so the server can be compiled ahead of time (the reflection serializer is off there).
[JsonSerializable(typeof(JsonNode))]
internal sealed partial class JsonNodeJson : JsonSerializerContext;
