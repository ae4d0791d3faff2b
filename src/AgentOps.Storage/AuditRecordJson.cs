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

    [ThreadStatic]
    private static IncrementalHash? s_threadLeafHash;

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

    /// <summary>
    /// For verifying a long log without materialising every record: whether <paramref name="row"/>, the columns exactly
    /// as stored, hashes to its stored hash, computed over the same canonical bytes <see cref="HashMatches"/> would hash
    /// for the record <c>AuditLogRows.Read</c> makes of that row. Returns false whenever it cannot be sure of that
    /// (anything unusual: a time not in its round-trip form, JSON columns the one-pass parsers decline, invalid UTF-8 or
    /// NUL in a column) and whenever the hash does not match; the caller then takes the record path, which decides and
    /// explains. So true is only ever returned where the record path would also find the hash intact.
    /// </summary>
    public static bool RawHashMatches(scoped in RawAuditRow row)
    {
        var hash = row.Hash;
        if (hash.Length != HashPrefix.Length + (2 * SHA256.HashSizeInBytes) || !hash.StartsWith("sha256:"u8) || !IsRoundTripTime(row.Time) ||
            ContainsNul(row))
        {
            return false;
        }
        var buffer = s_threadBuffer ??= new CanonicalBuffer();
        ReadOnlySpan<byte> canonical;
        try
        {
            if (!buffer.TryWriteRaw(row, out canonical))
            {
                return false;
            }
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or JsonException)
        {
            // Invalid UTF-8 or JSON in a column: the record path decodes and parses it as it always did, and decides.
            return false;
        }
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(canonical, digest);
        Span<byte> hex = stackalloc byte[2 * SHA256.HashSizeInBytes];
        Convert.TryToHexStringLower(digest, hex, out _);
        if (!hash[HashPrefix.Length..].SequenceEqual(hex))
        {
            return false;
        }
        buffer.RememberMatched(row.Sequence, hash);
        return true;
    }

    /// <summary>
    /// Whether the stored time is in exactly the form StorageTime.Format writes ("O", UTC), so that parsing and
    /// re-formatting it, as the record path does, gives back the same bytes.
    /// </summary>
    private static bool IsRoundTripTime(ReadOnlySpan<byte> text)
    {
        if (text.Length != 28 || text[^1] != (byte)'Z' ||
            !System.Buffers.Text.Utf8Parser.TryParse(text, out DateTime parsed, out var consumed, 'O') || consumed != text.Length)
        {
            return false;
        }
        Span<byte> formatted = stackalloc byte[40];
        return System.Buffers.Text.Utf8Formatter.TryFormat(parsed, formatted, out var written, 'O') && formatted[..written].SequenceEqual(text);
    }

    private static bool ContainsNul(scoped in RawAuditRow row) =>
        row.Time.Contains((byte)0) || row.RunId.Contains((byte)0) || row.Actor.Contains((byte)0) || row.DelegationChain.Contains((byte)0) ||
        row.Action.Contains((byte)0) || row.ArgumentDigest.Contains((byte)0) || row.Decisions.Contains((byte)0) ||
        row.Outcome.Contains((byte)0) || row.ResultDigest.Contains((byte)0) || row.PrevHash.Contains((byte)0);

    /// <summary>
    /// The format 1 Merkle leaf hash of <paramref name="row"/> as stored, the same that <see cref="LeafHash(AuditRecord)"/> gives for the
    /// record read from it, into <paramref name="destination"/>. Only for a row <see cref="RawHashMatches"/> accepted: its
    /// stored hash is then plain "sha256:" and hex, so writing it as stored is writing it as the record path would.
    /// </summary>
    public static bool TryRawLeafHash(scoped in RawAuditRow row, Span<byte> destination)
    {
        var buffer = s_threadBuffer ??= new CanonicalBuffer();
        if (buffer.TryLeafHashOfMatched(row.Sequence, row.Hash, destination))
        {
            return true;
        }
        ReadOnlySpan<byte> leaf;
        try
        {
            if (!buffer.TryWriteRaw(row, out leaf, includeHash: true))
            {
                return false;
            }
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or JsonException)
        {
            return false;
        }
        var hash = s_threadLeafHash ??= IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        ReadOnlySpan<byte> leafPrefix = [0x00];
        hash.AppendData(leafPrefix);
        hash.AppendData(leaf);
        return hash.TryGetHashAndReset(destination, out var written) && written == SHA256.HashSizeInBytes;
    }

    /// <summary>The record's exported JSON line (hash included) as UTF-8: the Merkle leaf of a format 1 checkpoint.</summary>
    public static byte[] LeafBytes(AuditRecord record)
    {
        var buffer = s_threadBuffer ??= new CanonicalBuffer();
        return buffer.Write(record, includeHash: true).ToArray();
    }

    /// <summary>The record's Merkle leaf hash for a checkpoint of format <paramref name="version"/> (see <see cref="SignedAuditCheckpoint"/>).</summary>
    /// <exception cref="FormatException">Format 2, and the record's hash is not "sha256:" and 64 hex digits.</exception>
    public static byte[] LeafHashInFormat(AuditRecord record, int version) =>
        version == SignedAuditCheckpoint.ChainHashLeafVersion ? ChainHashLeafHash(record.Hash) : LeafHash(record);

    /// <summary>Format 2's leaf hash, SHA-256(0x00 || the 32 bytes <paramref name="hash"/> spells in hex).</summary>
    /// <exception cref="FormatException"><paramref name="hash"/> is not "sha256:" and 64 hex digits.</exception>
    public static byte[] ChainHashLeafHash(string hash)
    {
        Span<byte> bytes = stackalloc byte[SHA256.HashSizeInBytes];
        if (!TryChainHashBytes(hash, bytes))
        {
            throw new FormatException("A chain hash is \"sha256:\" and 64 hex digits.");
        }
        return MerkleTree.LeafHash(bytes);
    }

    /// <summary>The 32 bytes a "sha256:" and hex chain hash stands for; false when it is not one.</summary>
    public static bool TryChainHashBytes(ReadOnlySpan<char> hash, Span<byte> destination) =>
        hash.Length == HashPrefix.Length + (2 * SHA256.HashSizeInBytes) && hash.StartsWith(HashPrefix, StringComparison.Ordinal) &&
        Convert.FromHexString(hash[HashPrefix.Length..], destination, out _, out var written) == OperationStatus.Done &&
        written == SHA256.HashSizeInBytes;

    /// <inheritdoc cref="TryChainHashBytes(ReadOnlySpan{char}, Span{byte})"/>
    public static bool TryChainHashBytes(ReadOnlySpan<byte> utf8Hash, Span<byte> destination) =>
        utf8Hash.Length == HashPrefix.Length + (2 * SHA256.HashSizeInBytes) && utf8Hash.StartsWith("sha256:"u8) &&
        Convert.FromHexString(utf8Hash[HashPrefix.Length..], destination, out _, out var written) == OperationStatus.Done &&
        written == SHA256.HashSizeInBytes;

    /// <summary>Format 1's leaf hash: SHA-256(0x00 || the record's exported JSON line).</summary>
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
        WriteDecisions(writer, record.Decisions);
        writer.WritePropertyName("delegation_chain"u8);
        WriteDelegationChain(writer, record.DelegationChain);
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
        Span<char> time = stackalloc char[64];
        // StorageTime.Format without the string: the UTC round-trip ("O") form.
        if (!record.Time.UtcDateTime.TryFormat(time, out var written, "O", System.Globalization.CultureInfo.InvariantCulture))
        {
            throw new InvalidOperationException("a round-trip time does not fit in 64 characters");
        }
        writer.WriteString("time"u8, time[..written]);
        writer.WriteEndObject();
    }

    private static void WriteDecisions(Utf8JsonWriter writer, IReadOnlyList<LayerDecision> decisions)
    {
        writer.WriteStartArray();
        foreach (var decision in decisions)
        {
            writer.WriteStartObject();
            writer.WriteString("layer"u8, decision.Layer);
            writer.WriteString("reason"u8, decision.Reason);
            writer.WriteString("rule"u8, decision.Rule);
            writer.WriteString("verdict"u8, VerdictName(decision.Verdict));
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
    }

    private static void WriteDelegationChain(Utf8JsonWriter writer, IReadOnlyList<string> chain)
    {
        writer.WriteStartArray();
        foreach (var link in chain)
        {
            writer.WriteStringValue(link);
        }
        writer.WriteEndArray();
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
        private readonly byte[] _matchedHash = new byte[HashPrefix.Length + (2 * SHA256.HashSizeInBytes)];
        private long _matchedSequence = -1;
        private int _hashAt;
        private byte[] _leaf = new byte[2048];

        public CanonicalBuffer() => _writer = new Utf8JsonWriter(_buffer, s_writerOptions);

        public ReadOnlySpan<byte> Write(AuditRecord record, bool includeHash) =>
            includeHash
                ? Write(record, static (writer, r) => WriteCanonical(writer, r, includeHash: true))
                : Write(record, static (writer, r) => WriteCanonical(writer, r, includeHash: false));

        /// <summary>
        /// <see cref="WriteCanonical"/> for a stored row: the same members in the same order, the text columns as stored
        /// and the two JSON columns copied verbatim (see below). Its bytes are only ever hashed and compared with the
        /// stored hash; a row they do not match is left to the record path, which decides.
        /// </summary>
        public bool TryWriteRaw(scoped in RawAuditRow row, out ReadOnlySpan<byte> canonical, bool includeHash = false)
        {
            canonical = default;
            _matchedSequence = -1;
            _buffer.ResetWrittenCount();
            _writer.Reset(_buffer);
            var writer = _writer;
            var complete = false;
            try
            {
                writer.WriteStartObject();
                writer.WriteString("action"u8, row.Action);
                writer.WriteString("actor"u8, row.Actor);
                writer.WriteString("argument_digest"u8, row.ArgumentDigest);
                // The two JSON columns are stored exactly as the canonical writer writes them (SerializeDecisions,
                // SerializeDelegationChain), so they are copied as stored, not parsed and written again. Copying cannot
                // make a changed column pass: the bytes hashed are then the stored bytes themselves, and they match the
                // stored hash only if they are the canonical bytes that were hashed when the record was appended (a
                // raw '"' cannot occur inside a canonical string, so no stored text can stand in for a member boundary).
                // A column stored in any other form (an older writer, a hand edit) fails the hash here and is judged by
                // the record path, which parses and re-writes it.
                writer.WritePropertyName("decisions"u8);
                writer.WriteRawValue(row.Decisions, skipInputValidation: true);
                writer.WritePropertyName("delegation_chain"u8);
                writer.WriteRawValue(row.DelegationChain, skipInputValidation: true);
                _hashAt = checked((int)(writer.BytesCommitted + writer.BytesPending));
                if (includeHash)
                {
                    writer.WriteString("hash"u8, row.Hash);
                }
                writer.WriteString("outcome"u8, row.Outcome);
                writer.WriteString("prev_hash"u8, row.PrevHash);
                if (row.ResultDigestIsNull)
                {
                    writer.WriteNull("result_digest"u8);
                }
                else
                {
                    writer.WriteString("result_digest"u8, row.ResultDigest);
                }
                writer.WriteString("run_id"u8, row.RunId);
                writer.WriteNumber("sequence"u8, row.Sequence);
                writer.WriteString("time"u8, row.Time);
                writer.WriteEndObject();
                writer.Flush();
                complete = true;
            }
            finally
            {
                if (!complete)
                {
                    _writer.Reset(_buffer);
                    _buffer.ResetWrittenCount();
                }
            }
            canonical = _buffer.WrittenSpan;
            return true;
        }

        /// <summary>
        /// Notes that the bytes just written by <see cref="TryWriteRaw"/> (without the hash) hash to <paramref name="storedHash"/>,
        /// the plain "sha256:" and lowercase hex that RawHashMatches compared them with.
        /// </summary>
        public void RememberMatched(long sequence, ReadOnlySpan<byte> storedHash)
        {
            _matchedSequence = sequence;
            storedHash.CopyTo(_matchedHash);
        }

        /// <summary>
        /// The leaf hash of the record whose hash was just matched, without writing its JSON again: the leaf is the same
        /// canonical object with the hash member in its sorted place, between delegation_chain and outcome, and a
        /// "sha256:" and hex string is written as it is. Only for the row last matched on this thread (same sequence and
        /// stored hash: the bytes in the buffer then hash to the very hash the row stores); false otherwise.
        /// </summary>
        public bool TryLeafHashOfMatched(long sequence, ReadOnlySpan<byte> storedHash, Span<byte> destination)
        {
            if (_matchedSequence != sequence || !storedHash.SequenceEqual(_matchedHash))
            {
                return false;
            }
            var canonical = _buffer.WrittenSpan;
            ReadOnlySpan<byte> member = ",\"hash\":\""u8;
            var length = 1 + canonical.Length + member.Length + storedHash.Length + 1;
            if (_leaf.Length < length)
            {
                _leaf = new byte[Math.Max(length, _leaf.Length * 2)];
            }
            var leaf = _leaf.AsSpan(0, length);
            leaf[0] = 0x00;
            canonical[.._hashAt].CopyTo(leaf[1..]);
            var at = 1 + _hashAt;
            member.CopyTo(leaf[at..]);
            at += member.Length;
            storedHash.CopyTo(leaf[at..]);
            at += storedHash.Length;
            leaf[at++] = (byte)'"';
            canonical[_hashAt..].CopyTo(leaf[at..]);
            return SHA256.TryHashData(leaf, destination, out var written) && written == SHA256.HashSizeInBytes;
        }

        public ReadOnlySpan<byte> Write<T>(T value, Action<Utf8JsonWriter, T> write)
        {
            _matchedSequence = -1;
            _buffer.ResetWrittenCount();
            _writer.Reset(_buffer);
            try
            {
                write(_writer, value);
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

    // The column text, written directly; byte for byte CanonicalJson.Serialize of DelegationChainNode / DecisionsNode.
    public static string SerializeDelegationChain(IReadOnlyList<string> chain)
    {
        var buffer = s_threadBuffer ??= new CanonicalBuffer();
        return Encoding.UTF8.GetString(buffer.Write(chain, static (writer, c) => WriteDelegationChain(writer, c)));
    }

    public static string SerializeDecisions(IReadOnlyList<LayerDecision> decisions)
    {
        var buffer = s_threadBuffer ??= new CanonicalBuffer();
        return Encoding.UTF8.GetString(buffer.Write(decisions, static (writer, d) => WriteDecisions(writer, d)));
    }

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

/// <summary>An <c>audit_log</c> row's columns as SQLite stores them (UTF-8), valid only until the reader moves on.</summary>
internal readonly ref struct RawAuditRow
{
    public required long Sequence { get; init; }
    public required ReadOnlySpan<byte> Time { get; init; }
    public required ReadOnlySpan<byte> RunId { get; init; }
    public required ReadOnlySpan<byte> Actor { get; init; }
    public required ReadOnlySpan<byte> DelegationChain { get; init; }
    public required ReadOnlySpan<byte> Action { get; init; }
    public required ReadOnlySpan<byte> ArgumentDigest { get; init; }
    public required ReadOnlySpan<byte> Decisions { get; init; }
    public required ReadOnlySpan<byte> Outcome { get; init; }
    public required ReadOnlySpan<byte> ResultDigest { get; init; }
    public required bool ResultDigestIsNull { get; init; }
    public required ReadOnlySpan<byte> PrevHash { get; init; }
    public required ReadOnlySpan<byte> Hash { get; init; }
}
