using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace AgentOps.Manifests;

/// <summary>
/// Builds JSON trees straight from YamlDotNet parser events. We use events rather than the RepresentationModel
/// because it lets us see each scalar's style and tag and report the line of any problem.
/// </summary>
internal sealed class YamlDocumentReader(string yaml)
{
    // Aliases are expanded by copying, so a small "billion laughs" document could otherwise exhaust memory.
    private const int MaxNodes = 1_000_000;
    private const int MaxDepth = 200;
    private const string MergeTag = "tag:yaml.org,2002:merge";

    private readonly Parser _parser = new(new StringReader(yaml));
    private readonly Dictionary<string, (JsonNode? Node, int Size)> _anchors = new(StringComparer.Ordinal);
    private int _nodeCount;

    public List<JsonNode?> ReadAll()
    {
        try
        {
            return ReadStream();
        }
        catch (YamlException ex)
        {
            var line = (int)ex.Start.Line;
            var column = (int)ex.Start.Column;
            throw new ManifestFormatException($"Invalid YAML at line {line}, column {column}: {ex.Message}", line, column, ex);
        }
        catch (InvalidOperationException ex) when (ex.Source == "YamlDotNet")
        {
            // YamlDotNet 18 throws this, without a position, for some unterminated flow collections;
            // the last event it produced is the best location we have.
            var mark = _parser.Current?.End ?? Mark.Empty;
            var line = (int)mark.Line;
            var column = (int)mark.Column;
            throw new ManifestFormatException(
                $"Invalid YAML after line {line}, column {column}: the parser could not continue (often an unclosed '[' or '{{').",
                line,
                column,
                ex);
        }
    }

    private List<JsonNode?> ReadStream()
    {
        var documents = new List<JsonNode?>();
        _parser.Consume<StreamStart>();
        while (!_parser.TryConsume<StreamEnd>(out _))
        {
            _parser.Consume<DocumentStart>();
            _anchors.Clear();
            if (_parser.TryConsume<DocumentEnd>(out _))
            {
                continue;
            }

            var isEmpty = _parser.Current is Scalar { Style: ScalarStyle.Plain, Value.Length: 0 } empty
                && empty.Tag.IsEmpty
                && empty.Anchor.IsEmpty;
            var document = ReadNode(0);
            _parser.Consume<DocumentEnd>();
            if (!isEmpty)
            {
                documents.Add(document);
            }
        }

        return documents;
    }

    private JsonNode? ReadNode(int depth)
    {
        if (depth > MaxDepth)
        {
            throw Invalid(_parser.Current, $"the YAML is nested more than {MaxDepth} levels deep");
        }

        var start = _nodeCount;
        var current = _parser.Current;
        switch (current)
        {
            case AnchorAlias alias:
                _parser.MoveNext();
                return Expand(alias);
            case Scalar scalar:
                _parser.MoveNext();
                Count(1, scalar);
                return Remember(scalar.Anchor, YamlScalarResolver.Resolve(scalar), start);
            case SequenceStart sequence:
                _parser.MoveNext();
                var array = new JsonArray();
                while (!_parser.TryConsume<SequenceEnd>(out _))
                {
                    array.Add(ReadNode(depth + 1));
                }

                Count(1, sequence);
                return Remember(sequence.Anchor, array, start);
            case MappingStart mapping:
                _parser.MoveNext();
                var result = ReadMapping(depth);
                Count(1, mapping);
                return Remember(mapping.Anchor, result, start);
            default:
                throw Invalid(current, $"unexpected {current?.GetType().Name ?? "end of input"}");
        }
    }

    private JsonObject ReadMapping(int depth)
    {
        var result = new JsonObject();
        var explicitKeys = new HashSet<string>(StringComparer.Ordinal);
        while (!_parser.TryConsume<MappingEnd>(out _))
        {
            var keyEvent = _parser.Current;
            if (keyEvent is not Scalar keyScalar)
            {
                throw Invalid(keyEvent, "only plain or quoted scalar keys can be converted to JSON");
            }

            _parser.MoveNext();
            var value = ReadNode(depth + 1);
            if (IsMergeKey(keyScalar))
            {
                Merge(result, value, keyScalar);
                continue;
            }

            var key = YamlScalarResolver.ResolveKey(keyScalar);
            if (!explicitKeys.Add(key))
            {
                throw Invalid(keyScalar, $"duplicate key '{key}'");
            }

            // An explicit key wins over one brought in by a merge key, wherever the merge key appears.
            result[key] = value;
        }

        return result;
    }

    private static bool IsMergeKey(Scalar key) =>
        key.Value == "<<" && key.Style == ScalarStyle.Plain && (key.Tag.IsEmpty || key.Tag.Value == MergeTag);

    private static void Merge(JsonObject target, JsonNode? source, Scalar at)
    {
        IEnumerable<JsonNode?> sources = source switch
        {
            JsonObject single => [single],
            JsonArray many when many.All(m => m is JsonObject) => many,
            _ => throw Invalid(at, "a '<<' merge key needs a mapping or a sequence of mappings"),
        };

        // Earlier mappings in a merge sequence take precedence, and keys already present are kept.
        foreach (var mapping in sources.Cast<JsonObject>())
        {
            foreach (var (key, value) in mapping)
            {
                if (!target.ContainsKey(key))
                {
                    target[key] = value?.DeepClone();
                }
            }
        }
    }

    private JsonNode? Remember(AnchorName anchor, JsonNode? node, int start)
    {
        if (!anchor.IsEmpty)
        {
            _anchors[anchor.Value] = (node, _nodeCount - start);
        }

        return node;
    }

    private JsonNode? Expand(AnchorAlias alias)
    {
        // An alias to a collection that is still open (a recursive structure) is not registered yet, so it lands here too.
        if (!_anchors.TryGetValue(alias.Value.Value, out var anchored))
        {
            throw Invalid(alias, $"alias '*{alias.Value.Value}' refers to an unknown or enclosing anchor");
        }

        Count(anchored.Size, alias);
        return anchored.Node?.DeepClone();
    }

    private void Count(int nodes, ParsingEvent at)
    {
        _nodeCount += nodes;
        if (_nodeCount > MaxNodes)
        {
            throw Invalid(at, $"the YAML expands to more than {MaxNodes} nodes (are aliases nested too deeply?)");
        }
    }

    private static ManifestFormatException Invalid(ParsingEvent? at, string message)
    {
        var line = (int)(at?.Start.Line ?? 0);
        var column = (int)(at?.Start.Column ?? 0);
        return new ManifestFormatException($"Invalid YAML at line {line}, column {column}: {message}.", line, column);
    }
}
