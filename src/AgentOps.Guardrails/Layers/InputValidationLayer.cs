using System.Buffers;
using System.Collections.Concurrent;
using System.Runtime.InteropServices;
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

    private static readonly LayerDecision s_valid = new("L1.input", Verdict.Allow, "input.valid", "arguments match the tool schema; no secret or injection text found");

    // Tools' schemas by a hash of their raw UTF-8 text, each kept with that text: the schema a tool publishes is looked
    // up on every call, without copying it into a string first.
    private readonly ConcurrentDictionary<int, (byte[] Raw, JsonSchema Schema)> _schemas = new();

    [ThreadStatic]
    private static ArgumentBuffer? s_arguments;

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
        var buffer = s_arguments ??= new ArgumentBuffer();
        var json = buffer.Write(context.Arguments);
        try
        {
            return Evaluate(context, json);
        }
        finally
        {
            buffer.Release();
        }
    }

    private ValueTask<LayerDecision> Evaluate(GuardrailContext context, ReadOnlyMemory<byte> json)
    {
        if (json.Length > policy.Limits.MaxArgumentBytes)
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
            schema = SchemaOf(schemaElement);
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
        // Property names are text the tool receives too: a secret or an instruction can hide in a key.
        var found = new ScreenFinding(screen);
        JsonStrings.Walk(context.Arguments, ref found, static (ref ScreenFinding finding, string? _, string text, bool _) => finding.Screen(text));
        return found switch
        {
            { Secret: { } secret } => Decide(Verdict.Deny, "secrets." + secret.Id, $"an argument looks like it holds a secret ({secret.Description}); secrets never go into tool calls or pull requests"),
            { Injection: { } injection } => Decide(Verdict.Deny, injection.Rule, $"an argument carries injection text ({injection.Top!.Description}; {injection.Describe()})"),
            _ => ValueTask.FromResult(s_valid),
        };
    }

    private JsonSchema SchemaOf(JsonElement schemaElement)
    {
        var raw = JsonMarshal.GetRawUtf8Value(schemaElement);
        var hash = new HashCode();
        hash.AddBytes(raw);
        var key = hash.ToHashCode();
        if (_schemas.TryGetValue(key, out var cached) && raw.SequenceEqual(cached.Raw))
        {
            return cached.Schema;
        }
        var compiled = (Raw: raw.ToArray(), Schema: Compile(raw));
        // Two schemas with one hash take turns in the cache; each is still compiled from its own text.
        _schemas[key] = compiled;
        return compiled.Schema;
    }

    // Tool schemas are plain JSON Schema 2020-12 (MCP's default). The dialect is explicit because JsonSchema.Net 8
    // defaults to a dialect that rejects unknown keywords, and a private registry keeps servers' schemas apart.
    private static JsonSchema Compile(ReadOnlySpan<byte> schemaText)
    {
        // The built schema keeps referring to the element, so it gets a clone that owns its memory.
        using var document = JsonDocument.Parse(schemaText.ToArray());
        var element = document.RootElement.Clone();
        return JsonSchema.Build(element, new BuildOptions { SchemaRegistry = new SchemaRegistry(), Dialect = Dialect.Draft202012 });
    }

    private ValueTask<LayerDecision> Decide(Verdict verdict, string rule, string reason) => ValueTask.FromResult(new LayerDecision(Name, verdict, rule, reason));

    /// <summary>The first argument string that holds a secret or blocking injection text.</summary>
    private struct ScreenFinding(TextScreen screen)
    {
        public PatternRule? Secret;
        public InjectionScan? Injection;

        /// <returns>True (stop) at the first finding.</returns>
        public bool Screen(string text)
        {
            Secret = screen.FindSecret(text);
            if (Secret is not null)
            {
                return true;
            }
            var scan = screen.Scan(text, ScanChannel.ToolArgument);
            if (scan.Verdict == ScanVerdict.Block)
            {
                Injection = scan;
                return true;
            }
            return false;
        }
    }

    /// <summary>
    /// The arguments as UTF-8 JSON, written into a buffer this thread reuses (the bytes <c>ToJsonString</c> would give,
    /// without the string, its UTF-16 copy and the writer's buffers on every call).
    /// </summary>
    private sealed class ArgumentBuffer
    {
        // A buffer grown by one huge argument is not kept for the rest of the thread's life.
        private const int KeepAtMost = 1 << 20;
        private ArrayBufferWriter<byte> _buffer = new(4096);
        private readonly Utf8JsonWriter _writer;

        public ArgumentBuffer() => _writer = new Utf8JsonWriter(_buffer);

        public ReadOnlyMemory<byte> Write(JsonNode arguments)
        {
            _buffer.ResetWrittenCount();
            _writer.Reset(_buffer);
            arguments.WriteTo(_writer);
            _writer.Flush();
            return _buffer.WrittenMemory;
        }

        public void Release()
        {
            if (_buffer.Capacity > KeepAtMost)
            {
                _buffer = new ArrayBufferWriter<byte>(4096);
            }
            _buffer.ResetWrittenCount();
            _writer.Reset(_buffer);
        }
    }
}
