using System.Globalization;
using System.Numerics;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace AgentOps.Manifests;

/// <summary>
/// Resolves YAML scalars to JSON values. kubectl and the API server read YAML with sigs.k8s.io/yaml, a fork of
/// go-yaml v2, which follows YAML 1.1: <c>yes</c>/<c>on</c> are booleans, <c>0755</c> is octal and <c>1_000</c> an
/// integer. We copy those rules so that what we validate is what the cluster will see.
/// </summary>
internal static partial class YamlScalarResolver
{
    private const string CoreTagPrefix = "tag:yaml.org,2002:";

    private static readonly HashSet<string> s_trueWords = new(StringComparer.Ordinal)
    {
        "y", "Y", "yes", "Yes", "YES", "on", "On", "ON", "true", "True", "TRUE",
    };

    private static readonly HashSet<string> s_falseWords = new(StringComparer.Ordinal)
    {
        "n", "N", "no", "No", "NO", "off", "Off", "OFF", "false", "False", "FALSE",
    };

    private static readonly HashSet<string> s_nullWords = new(StringComparer.Ordinal) { "", "~", "null", "Null", "NULL" };

    public static JsonNode? Resolve(Scalar scalar)
    {
        if (!scalar.Tag.IsEmpty)
        {
            return ResolveTagged(scalar);
        }

        // Quoted and block scalars are never typed: this is how `version: "13.7"` stays a string.
        return scalar.Style == ScalarStyle.Plain ? ResolvePlain(scalar) : JsonValue.Create(scalar.Value);
    }

    /// <summary>
    /// JSON keys are strings, so a typed key is written back as text, as sigs.k8s.io/yaml does: an unquoted
    /// <c>on:</c> becomes the key <c>"true"</c>. Surprising, but it is what the cluster would store.
    /// </summary>
    public static string ResolveKey(Scalar scalar)
    {
        var value = Resolve(scalar);
        return value switch
        {
            null => "null",
            JsonValue v when v.TryGetValue<string>(out var text) => text,
            _ => value.ToJsonString(),
        };
    }

    private static JsonNode? ResolvePlain(Scalar scalar)
    {
        var text = scalar.Value;
        if (s_nullWords.Contains(text))
        {
            return null;
        }

        if (s_trueWords.Contains(text))
        {
            return JsonValue.Create(true);
        }

        if (s_falseWords.Contains(text))
        {
            return JsonValue.Create(false);
        }

        return TryInteger(text) ?? TryFloat(text, scalar) ?? JsonValue.Create(text);
    }

    private static JsonNode? ResolveTagged(Scalar scalar)
    {
        var tag = scalar.Tag.Value;
        if (!tag.StartsWith(CoreTagPrefix, StringComparison.Ordinal))
        {
            // The non-specific tag `!` and application tags carry no JSON type, so the text is kept as is.
            return JsonValue.Create(scalar.Value);
        }

        var text = scalar.Value;
        return tag[CoreTagPrefix.Length..] switch
        {
            "null" => null,
            "bool" when s_trueWords.Contains(text) => JsonValue.Create(true),
            "bool" when s_falseWords.Contains(text) => JsonValue.Create(false),
            "int" => TryInteger(text) ?? throw Invalid(scalar, $"'{text}' is tagged !!int but is not an integer"),
            "float" => TryInteger(text) ?? TryFloat(text, scalar)
                ?? throw Invalid(scalar, $"'{text}' is tagged !!float but is not a number"),
            "bool" => throw Invalid(scalar, $"'{text}' is tagged !!bool but is not a boolean"),
            _ => JsonValue.Create(text),
        };
    }

    // Mirrors Go's strconv.ParseInt(s, 0, 64) after go-yaml strips underscores: 0x, 0o, 0b prefixes and
    // a leading 0 (octal) are honoured, values beyond int64 fall back to uint64, then to a float.
    private static JsonValue? TryInteger(string text)
    {
        var plain = text.Replace("_", string.Empty, StringComparison.Ordinal);
        var negative = plain.StartsWith('-');
        var body = plain.StartsWith('-') || plain.StartsWith('+') ? plain[1..] : plain;
        var (radix, digits) = body.Length > 1 && body[0] == '0'
            ? char.ToLowerInvariant(body[1]) switch
            {
                'x' => (16, body[2..]),
                'o' => (8, body[2..]),
                'b' => (2, body[2..]),
                _ => (8, body[1..]),
            }
            : (10, body);
        if (digits.Length == 0)
        {
            return null;
        }

        var magnitude = BigInteger.Zero;
        foreach (var c in digits)
        {
            var digit = c switch
            {
                >= '0' and <= '9' => c - '0',
                >= 'a' and <= 'f' => c - 'a' + 10,
                >= 'A' and <= 'F' => c - 'A' + 10,
                _ => int.MaxValue,
            };
            if (digit >= radix)
            {
                return null;
            }

            magnitude = (magnitude * radix) + digit;
        }

        var value = negative ? -magnitude : magnitude;
        if (value >= long.MinValue && value <= long.MaxValue)
        {
            return JsonValue.Create((long)value);
        }

        return value >= 0 && value <= ulong.MaxValue ? JsonValue.Create((ulong)value) : null;
    }

    private static JsonValue? TryFloat(string text, Scalar scalar)
    {
        var plain = text.Replace("_", string.Empty, StringComparison.Ordinal);
        if (SpecialFloat().IsMatch(plain))
        {
            throw Invalid(scalar, $"'{text}' is a YAML float that JSON cannot represent; quote it if a string was meant");
        }

        if (!FloatSyntax().IsMatch(plain))
        {
            return null;
        }

        var number = double.Parse(plain, NumberStyles.Float, CultureInfo.InvariantCulture);
        return double.IsFinite(number)
            ? JsonValue.Create(number)
            : throw Invalid(scalar, $"'{text}' is too large to be represented as a JSON number");
    }

    private static ManifestFormatException Invalid(Scalar scalar, string message)
    {
        var line = (int)scalar.Start.Line;
        var column = (int)scalar.Start.Column;
        return new ManifestFormatException($"Invalid YAML at line {line}, column {column}: {message}.", line, column);
    }

    // go-yaml v2's yamlStyleFloat expression.
    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$", RegexOptions.CultureInvariant)]
    private static partial Regex FloatSyntax();

    [GeneratedRegex(@"^([-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN))$", RegexOptions.CultureInvariant)]
    private static partial Regex SpecialFloat();
}
