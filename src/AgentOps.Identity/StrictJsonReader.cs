using System.Text.Json;

namespace AgentOps.Identity;

/// <summary>
/// A <see cref="Utf8JsonReader"/> that refuses, as it goes, what different parsers would read differently: duplicate
/// member names (compared unescaped, so <c>"a"</c> and <c>"\u0061"</c> clash) and nesting beyond a limit. It lets a
/// caller check the structure and read the values in one pass, without building a document; a refusal is thrown as
/// <see cref="StrictJsonException"/> with its <see cref="TokenErrorCodes"/> code.
/// </summary>
internal ref struct StrictJsonReader
{
    private Utf8JsonReader _reader;
    private readonly int _maxDepth;
    private readonly MemberNames _names;

    public StrictJsonReader(ReadOnlySpan<byte> utf8, int maxDepth)
    {
        // One level of head-room so Read, not the underlying reader, sees the limit crossed and can name it.
        _reader = new Utf8JsonReader(utf8, new JsonReaderOptions { MaxDepth = maxDepth + 1 });
        _maxDepth = maxDepth;
        _names = MemberNames.ForThisThread();
    }

    public readonly JsonTokenType TokenType => _reader.TokenType;

    public readonly int CurrentDepth => _reader.CurrentDepth;

    /// <summary>Reads the next token; false at the end of the input.</summary>
    /// <exception cref="StrictJsonException">The input is too deep, repeats a member name or is not JSON.</exception>
    public bool Read()
    {
        try
        {
            if (!_reader.Read())
            {
                return false;
            }
            switch (_reader.TokenType)
            {
                case JsonTokenType.StartObject or JsonTokenType.StartArray when _reader.CurrentDepth >= _maxDepth:
                    throw new StrictJsonException(TokenErrorCodes.NestingTooDeep, $"nested deeper than {_maxDepth} levels");
                case JsonTokenType.StartObject:
                    _names.EnterObject();
                    break;
                case JsonTokenType.EndObject:
                    _names.LeaveObject();
                    break;
                case JsonTokenType.PropertyName when !_names.TryAdd(ref _reader):
                    throw new StrictJsonException(TokenErrorCodes.DuplicateKey, $"ambiguous: it repeats the member name '{Truncate(_reader.GetString()!)}', which parsers resolve differently");
            }
            return true;
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            // InvalidOperationException: an escape that is no valid UTF-16, e.g. a lone surrogate.
            throw Malformed(ex);
        }
    }

    /// <summary>Reads the root, which must be an object.</summary>
    public void ReadStartOfRootObject()
    {
        _names.Reset();
        if (!Read() || _reader.TokenType != JsonTokenType.StartObject)
        {
            throw new StrictJsonException(TokenErrorCodes.Malformed, "not a JSON object");
        }
    }

    /// <summary>After the root object has closed: anything but whitespace after it is refused.</summary>
    public void ReadEndOfInput()
    {
        if (Read())
        {
            throw new StrictJsonException(TokenErrorCodes.Malformed, "not valid JSON (data after the end of the object)");
        }
    }

    /// <summary>Reads a property name and moves to its value; false at the end of the current object.</summary>
    public bool ReadMember()
    {
        Read();
        if (_reader.TokenType == JsonTokenType.EndObject)
        {
            return false;
        }
        return true;
    }

    /// <summary>Moves from a property name to its value.</summary>
    public void ReadValue() => Read();

    public readonly bool NameIs(ReadOnlySpan<byte> utf8Name) => _reader.ValueTextEquals(utf8Name);

    public readonly string GetName() => GetString()!;

    public readonly string? GetString()
    {
        try
        {
            return _reader.GetString();
        }
        catch (InvalidOperationException ex)
        {
            throw Malformed(ex);
        }
    }

    public readonly bool TryGetInt64(out long value) => _reader.TryGetInt64(out value);

    /// <summary>Skips the value under the reader, checking everything inside it like any other token.</summary>
    public void SkipValue()
    {
        if (_reader.TokenType is not (JsonTokenType.StartObject or JsonTokenType.StartArray))
        {
            return;
        }
        var depth = _reader.CurrentDepth;
        while (Read() && _reader.CurrentDepth > depth)
        {
        }
    }

    private static StrictJsonException Malformed(Exception ex) => new(TokenErrorCodes.Malformed, $"not valid JSON ({ex.Message})");

    public static string Truncate(string text) => text.Length <= 64 ? text : text[..64] + "…";

    /// <summary>
    /// The member names seen in each open object, unescaped, in one growing buffer per thread: a token is parsed on
    /// every tool call, and per-object sets of strings were most of what that parse allocated.
    /// </summary>
    private sealed class MemberNames
    {
        [ThreadStatic]
        private static MemberNames? s_current;

        private byte[] _bytes = new byte[1024];
        private int _bytesUsed;
        private (int Start, int Length)[] _names = new (int, int)[64];
        private int _nameCount;
        private int[] _objectStarts = new int[16];
        private int _depth;

        public static MemberNames ForThisThread()
        {
            var names = s_current ??= new MemberNames();
            names.Reset();
            return names;
        }

        public void Reset()
        {
            _bytesUsed = 0;
            _nameCount = 0;
            _depth = 0;
        }

        public void EnterObject()
        {
            if (_depth == _objectStarts.Length)
            {
                Array.Resize(ref _objectStarts, _depth * 2);
            }
            _objectStarts[_depth++] = _nameCount;
        }

        public void LeaveObject()
        {
            _nameCount = _objectStarts[--_depth];
            _bytesUsed = _nameCount == 0 ? 0 : _names[_nameCount - 1].Start + _names[_nameCount - 1].Length;
        }

        public bool TryAdd(ref Utf8JsonReader reader)
        {
            var raw = reader.HasValueSequence ? throw new InvalidOperationException("Token parts are parsed from one buffer.") : reader.ValueSpan;
            // Unescaping never lengthens a name, so the raw length is room enough.
            EnsureRoom(raw.Length);
            var slot = _bytes.AsSpan(_bytesUsed, raw.Length);
            var length = reader.ValueIsEscaped ? reader.CopyString(slot) : Copy(raw, slot);
            var name = slot[..length];
            for (var i = _objectStarts[_depth - 1]; i < _nameCount; i++)
            {
                var (start, otherLength) = _names[i];
                if (otherLength == length && _bytes.AsSpan(start, otherLength).SequenceEqual(name))
                {
                    return false;
                }
            }
            if (_nameCount == _names.Length)
            {
                Array.Resize(ref _names, _nameCount * 2);
            }
            _names[_nameCount++] = (_bytesUsed, length);
            _bytesUsed += length;
            return true;
        }

        private static int Copy(ReadOnlySpan<byte> source, Span<byte> destination)
        {
            source.CopyTo(destination);
            return source.Length;
        }

        private void EnsureRoom(int length)
        {
            if (_bytesUsed + length > _bytes.Length)
            {
                Array.Resize(ref _bytes, Math.Max(_bytes.Length * 2, _bytesUsed + length));
            }
        }
    }
}

/// <summary>A structural refusal from <see cref="StrictJsonReader"/>: its code and what was wrong.</summary>
internal sealed class StrictJsonException(string code, string detail) : Exception(detail)
{
    public string Code { get; } = code;
}
