using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using AgentOps.Core;

namespace AgentOps.Storage;

/// <summary>
/// The one JSON shape of an audit record, used for hashing, for the JSON columns and for export, so a SIEM can
/// re-check a hash by dropping "hash" from an exported line and hashing its canonical form.
/// </summary>
internal static class AuditRecordJson
{
    public const string GenesisHash = "sha256:0000000000000000000000000000000000000000000000000000000000000000";

    private const string HashPrefix = "sha256:";

    // Same writer options as CanonicalJson, so WriteCanonical produces the bytes CanonicalJson.Serialize(ToJson(..)) does.
    private static readonly JsonWriterOptions s_writerOptions = new() { Indented = false, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    [ThreadStatic]
    private static CanonicalBuffer? s_threadBuffer;

    public static string ComputeHash(AuditRecord record)
    {
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        Digest(record, digest);
        return HashPrefix + Convert.ToHexStringLower(digest);
    }

    /// <summary>Whether <paramref name="record"/>'s stored hash is the hash of its contents; <see cref="ComputeHash"/> without the string.</summary>
    public static bool HashMatches(AuditRecord record)
    {
        var stored = record.Hash.AsSpan();
        if (!stored.StartsWith(HashPrefix, StringComparison.Ordinal) || stored.Length != HashPrefix.Length + (2 * SHA256.HashSizeInBytes))
        {
            return false;
        }
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        Digest(record, digest);
        Span<char> hex = stackalloc char[2 * SHA256.HashSizeInBytes];
        Convert.TryToHexStringLower(digest, hex, out _);
        return stored[HashPrefix.Length..].SequenceEqual(hex);
    }

    /// <summary>The record's Merkle leaf: the UTF-8 bytes of its exported JSON line (hash included).</summary>
    public static byte[] LeafBytes(AuditRecord record)
    {
        var buffer = s_threadBuffer ??= new CanonicalBuffer();
        return buffer.Write(record, includeHash: true).ToArray();
    }

    public static byte[] LeafHash(AuditRecord record)
    {
        var buffer = s_threadBuffer ??= new CanonicalBuffer();
        return MerkleTree.LeafHash(buffer.Write(record, includeHash: true));
    }

    /// <summary>The canonical JSON of <paramref name="record"/> as UTF-8, into a buffer reused per thread; valid until the next call on this thread.</summary>
    public static ReadOnlySpan<byte> CanonicalBytes(AuditRecord record, bool includeHash)
    {
        var buffer = s_threadBuffer ??= new CanonicalBuffer();
        return buffer.Write(record, includeHash);
    }

    private static void Digest(AuditRecord record, Span<byte> destination)
    {
        var buffer = s_threadBuffer ??= new CanonicalBuffer();
        SHA256.HashData(buffer.Write(record, includeHash: false), destination);
    }

    /// <summary>
    /// Writes the canonical form directly (members in ordinal order, as <see cref="CanonicalJson"/> sorts them) instead of
    /// building a <see cref="JsonObject"/> and sorting it: verifying a long log hashes every record, and this is most of
    /// its cost. <see cref="ToJson"/> stays the definition; a test holds the two byte for byte equal.
    /// </summary>
    private static void WriteCanonical(Utf8JsonWriter writer, AuditRecord record, bool includeHash)
    {
        writer.WriteStartObject();
        writer.WriteString("action"u8, record.Action);
        writer.WriteString("actor"u8, record.Actor);
        writer.WriteString("argument_digest"u8, record.ArgumentDigest);
        writer.WritePropertyName("decisions"u8);
        writer.WriteStartArray();
        foreach (var decision in record.Decisions)
        {
            writer.WriteStartObject();
            writer.WriteString("layer"u8, decision.Layer);
            writer.WriteString("reason"u8, decision.Reason);
            writer.WriteString("rule"u8, decision.Rule);
            writer.WriteString("verdict"u8, VerdictName(decision.Verdict));
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
        writer.WritePropertyName("delegation_chain"u8);
        writer.WriteStartArray();
        foreach (var link in record.DelegationChain)
        {
            writer.WriteStringValue(link);
        }
        writer.WriteEndArray();
        if (includeHash)
        {
            writer.WriteString("hash"u8, record.Hash);
        }
        writer.WriteString("outcome"u8, record.Outcome);
        writer.WriteString("prev_hash"u8, record.PrevHash);
        if (record.ResultDigest is null)
        {
            writer.WriteNull("result_digest"u8);
        }
        else
        {
            writer.WriteString("result_digest"u8, record.ResultDigest);
        }
        writer.WriteString("run_id"u8, record.RunId);
        writer.WriteNumber("sequence"u8, record.Sequence);
        writer.WriteString("time"u8, StorageTime.Format(record.Time));
        writer.WriteEndObject();
    }

    private static string VerdictName(Verdict verdict) => verdict switch
    {
        Verdict.Allow => nameof(Verdict.Allow),
        Verdict.Deny => nameof(Verdict.Deny),
        Verdict.Pause => nameof(Verdict.Pause),
        _ => verdict.ToString(),
    };

    /// <summary>One writer and buffer per thread, reset for every record.</summary>
    private sealed class CanonicalBuffer
    {
        private readonly ArrayBufferWriter<byte> _buffer = new(1024);
        private readonly Utf8JsonWriter _writer;

        public CanonicalBuffer() => _writer = new Utf8JsonWriter(_buffer, s_writerOptions);

        public ReadOnlySpan<byte> Write(AuditRecord record, bool includeHash)
        {
            _buffer.ResetWrittenCount();
            _writer.Reset(_buffer);
            try
            {
                WriteCanonical(_writer, record, includeHash);
                _writer.Flush();
            }
            catch
            {
                // A half-written record must not leave the writer mid-object for the next caller on this thread.
                _writer.Reset(_buffer);
                _buffer.ResetWrittenCount();
                throw;
            }
            return _buffer.WrittenSpan;
        }
    }

    public static JsonObject ToJson(AuditRecord record, bool includeHash)
    {
        var json = new JsonObject
        {
            ["sequence"] = record.Sequence,
            ["time"] = StorageTime.Format(record.Time),
            ["run_id"] = record.RunId,
            ["actor"] = record.Actor,
            ["delegation_chain"] = DelegationChainNode(record.DelegationChain),
            ["action"] = record.Action,
            ["argument_digest"] = record.ArgumentDigest,
            ["decisions"] = DecisionsNode(record.Decisions),
            ["outcome"] = record.Outcome,
            ["result_digest"] = record.ResultDigest,
            ["prev_hash"] = record.PrevHash,
        };
        if (includeHash)
        {
            json["hash"] = record.Hash;
        }
        return json;
    }

    public static string SerializeDelegationChain(IReadOnlyList<string> chain) => CanonicalJson.Serialize(DelegationChainNode(chain));

    public static string SerializeDecisions(IReadOnlyList<LayerDecision> decisions) => CanonicalJson.Serialize(DecisionsNode(decisions));

    // Both parsers first try a single Utf8JsonReader pass that accepts only the plain shape this class writes (every
    // member present once, strings only, nothing else). Anything else, including everything malformed, goes to the
    // JsonNode parser, which decides as it always did and gives the same error messages; the fast pass only ever
    // returns what that parser would have returned.
    public static IReadOnlyList<string> ParseDelegationChain(string json) =>
        WithUtf8(json, static bytes => TryParseDelegationChainFast(bytes)) ??
        ParseArray(json, "delegation_chain")
            .Select(node => node?.GetValue<string>() ?? throw new JsonException("delegation_chain contains null"))
            .ToArray();

    public static IReadOnlyList<LayerDecision> ParseDecisions(string json) =>
        WithUtf8(json, static bytes => TryParseDecisionsFast(bytes)) ??
        ParseArray(json, "decisions").Select(ParseDecision).ToArray();

    private delegate T? Utf8Parser<T>(ReadOnlySpan<byte> utf8) where T : class;

    private static T? WithUtf8<T>(string json, Utf8Parser<T> parse) where T : class
    {
        var maxBytes = Encoding.UTF8.GetMaxByteCount(json.Length);
        if (maxBytes <= 1024)
        {
            Span<byte> stack = stackalloc byte[1024];
            var written = Encoding.UTF8.GetBytes(json, stack);
            return parse(stack[..written]);
        }
        var rented = ArrayPool<byte>.Shared.Rent(maxBytes);
        try
        {
            var written = Encoding.UTF8.GetBytes(json, rented);
            return parse(rented.AsSpan(0, written));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private static string[]? TryParseDelegationChainFast(ReadOnlySpan<byte> utf8)
    {
        try
        {
            var reader = new Utf8JsonReader(utf8);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartArray)
            {
                return null;
            }
            var links = new List<string>(4);
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                if (reader.TokenType != JsonTokenType.String)
                {
                    return null;
                }
                links.Add(reader.GetString()!);
            }
            return reader.TokenType == JsonTokenType.EndArray && !reader.Read() ? links.ToArray() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static LayerDecision[]? TryParseDecisionsFast(ReadOnlySpan<byte> utf8)
    {
        try
        {
            var reader = new Utf8JsonReader(utf8);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartArray)
            {
                return null;
            }
            var decisions = new List<LayerDecision>(6);
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                if (reader.TokenType != JsonTokenType.StartObject)
                {
                    return null;
                }
                string? layer = null, verdictText = null, rule = null, reason = null;
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    ref var slot = ref layer;
                    if (reader.ValueTextEquals("layer"u8))
                    {
                        slot = ref layer;
                    }
                    else if (reader.ValueTextEquals("verdict"u8))
                    {
                        slot = ref verdictText;
                    }
                    else if (reader.ValueTextEquals("rule"u8))
                    {
                        slot = ref rule;
                    }
                    else if (reader.ValueTextEquals("reason"u8))
                    {
                        slot = ref reason;
                    }
                    else
                    {
                        return null;
                    }
                    if (slot is not null || !reader.Read() || reader.TokenType != JsonTokenType.String)
                    {
                        return null;
                    }
                    slot = reader.GetString();
                }
                if (reader.TokenType != JsonTokenType.EndObject || layer is null || verdictText is null || rule is null || reason is null ||
                    !Enum.TryParse<Verdict>(verdictText, out var verdict) || verdict.ToString() != verdictText)
                {
                    return null;
                }
                decisions.Add(new LayerDecision(layer, verdict, rule, reason));
            }
            return reader.TokenType == JsonTokenType.EndArray && !reader.Read() ? decisions.ToArray() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static JsonArray DelegationChainNode(IReadOnlyList<string> chain) =>
        new(chain.Select(link => (JsonNode?)JsonValue.Create(link)).ToArray());

    private static JsonArray DecisionsNode(IReadOnlyList<LayerDecision> decisions) =>
        new(decisions.Select(d => (JsonNode?)new JsonObject
        {
            ["layer"] = d.Layer,
            ["verdict"] = d.Verdict.ToString(),
            ["rule"] = d.Rule,
            ["reason"] = d.Reason,
        }).ToArray());

    private static JsonArray ParseArray(string json, string column) =>
        JsonNode.Parse(json) as JsonArray ?? throw new JsonException($"{column} is not a JSON array");

    private static LayerDecision ParseDecision(JsonNode? node)
    {
        if (node is not JsonObject decision)
        {
            throw new JsonException("a decision is not a JSON object");
        }
        var verdictText = RequiredString(decision, "verdict");
        // Enum.TryParse also accepts "1" or "deny"; only the exact name round-trips to the same hash input.
        if (!Enum.TryParse<Verdict>(verdictText, out var verdict) || verdict.ToString() != verdictText)
        {
            throw new JsonException($"'{verdictText}' is not a verdict");
        }
        return new LayerDecision(RequiredString(decision, "layer"), verdict, RequiredString(decision, "rule"), RequiredString(decision, "reason"));
    }

    private static string RequiredString(JsonObject json, string name) =>
        json[name]?.GetValue<string>() ?? throw new JsonException($"a decision has no {name}");
}
