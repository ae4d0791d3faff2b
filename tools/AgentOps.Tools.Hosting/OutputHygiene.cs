using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using AgentOps.Guardrails;
using AgentOps.Guardrails.Policy;

namespace AgentOps.Tools.Hosting;

/// <summary>
/// What may leave a tool server: secret-looking values are replaced with <c>[REDACTED:&lt;rule&gt;]</c> using the same
/// patterns as the guardrails (<c>guardrails/secrets.yaml</c>), and values under keys that name a secret
/// (<c>DB_PASSWORD</c>, <c>api-token</c> in a ConfigMap) are replaced whatever they look like.
/// </summary>
public sealed class OutputHygiene(GuardrailPolicy policy)
{
    private readonly TextScreen _screen = new(policy);

    // Whether every secret pattern finds the same matches in values joined by line breaks as in each value alone.
    private readonly bool _canCheckJoined = policy.SecretPatterns.All(rule => JoinedText.IsSafeFor(rule.Pattern.ToString()));

    public const string SecretKeyRule = "[REDACTED:secret-key]";

    public static OutputHygiene Load(string guardrailsDirectory) => new(GuardrailPolicy.LoadForRedaction(guardrailsDirectory));

    // TextScreen.Redact already tries each pattern again while it times out (a fresh process's first match builds the
    // matcher inside the timeout); a timeout that reaches here persisted, so the input is hostile or pathological:
    // withhold.
    public string Redact(string text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return text;
        }
        try
        {
            return _screen.Redact(text);
        }
        catch (RegexMatchTimeoutException ex)
        {
            throw new OutputWithheldException("redaction did not finish within the pattern timeout on any attempt; the output was withheld rather than returned unredacted", ex);
        }
    }

    /// <summary>
    /// The id of the first secret pattern with a match in <paramref name="text"/> that its allow-list does not excuse,
    /// or null: for checking what is about to leave through a side door, such as the lines a push adds. A pattern that
    /// keeps timing out answers <c>pattern-timeout</c>, so a caller that refuses on any answer fails closed.
    /// </summary>
    public string? FindSecretRule(string text) => string.IsNullOrEmpty(text) ? null : _screen.FindSecret(text)?.Id;

    /// <summary>Runs every pattern once so that the first real result does not pay for compiling them.</summary>
    public void WarmUp()
    {
        try
        {
            _ = Redact("warm-up: Authorization: Bearer abcdefghij0123456789 password=hunter2 ghp_0000 AKIA0000000000000000");
        }
        catch (OutputWithheldException)
        {
            // Starting anyway is right: a later timeout still withholds that result.
        }
    }

    /// <summary>Marks text from outside as untrusted, redacted.</summary>
    public UntrustedText Untrusted(string origin, string text) => new(origin, Redact(text));

    /// <summary>True when a key's name says its value is a secret. <c>secretName</c> and <c>token_type</c> name things; they are not secrets.</summary>
    public static bool IsSecretKey(string key) => SecretKeyNames.IsSecretKey(key);

    /// <summary>
    /// True when redacting <paramref name="element"/> would change nothing: no string in it matches a secret pattern and
    /// no secret-named key holds a value. Every string is unescaped and checked in one run of the patterns, joined by
    /// line breaks (which no pattern can match across, and which look to a pattern like the ends of a value), instead
    /// of building, redacting and re-serializing a tree. Patterns anchored with ^ or $ would see the joined text
    /// differently, and so would a negative lookaround that can match a line break: with any of those this answers false
    /// and the tree is redacted value by value as before (see <see cref="JoinedText"/>). A match on a pattern's allow-list
    /// (a documentation key) is left in place by both paths, so it does not make the result dirty either; a match
    /// across a line break is never allowed (see <see cref="PatternRule.IsAllowed"/>), so the joined check cannot
    /// excuse something the value-by-value path would redact.
    /// </summary>
    /// <param name="holdsUntrusted">Set when some object in it is marked <c>"trust": "untrusted"</c>.</param>
    public bool IsClean(JsonElement element, out bool holdsUntrusted)
    {
        holdsUntrusted = false;
        if (!_canCheckJoined)
        {
            return false;
        }
        var strings = new StringBuilder();
        if (!CollectStrings(element, strings, ref holdsUntrusted))
        {
            return false;
        }
        var joined = strings.ToString();
        return ReferenceEquals(Redact(joined), joined);
    }

    private static bool CollectStrings(JsonElement element, StringBuilder strings, ref bool holdsUntrusted)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    var value = property.Value;
                    if (value.ValueKind is not (JsonValueKind.Object or JsonValueKind.Array or JsonValueKind.Null) &&
                        IsSecretKey(property.Name) && value.ToString().Length > 0)
                    {
                        return false;
                    }
                    if (value.ValueKind == JsonValueKind.String && property.NameEquals("trust") && value.ValueEquals(UntrustedText.Marker))
                    {
                        holdsUntrusted = true;
                    }
                    if (!CollectStrings(value, strings, ref holdsUntrusted))
                    {
                        return false;
                    }
                }
                return true;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    if (!CollectStrings(item, strings, ref holdsUntrusted))
                    {
                        return false;
                    }
                }
                return true;
            case JsonValueKind.String:
                strings.Append(element.GetString()).Append('\n');
                return true;
            default:
                return true;
        }
    }

    /// <summary>Redacts a JSON tree in place and returns it: every string value, and every value under a secret-named key.</summary>
    public JsonNode? RedactTree(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, child) in obj.ToArray())
                {
                    if (child is JsonValue && IsSecretKey(key) && child.ToString().Length > 0)
                    {
                        obj[key] = SecretKeyRule;
                    }
                    else
                    {
                        var redacted = RedactTree(child);
                        if (!ReferenceEquals(redacted, child))
                        {
                            obj[key] = redacted;
                        }
                    }
                }
                return obj;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    var child = array[i];
                    var redacted = RedactTree(child);
                    if (!ReferenceEquals(redacted, child))
                    {
                        array[i] = redacted;
                    }
                }
                return array;
            case JsonValue value when value.TryGetValue<string>(out var text):
                var clean = Redact(text);
                return clean == text ? value : JsonValue.Create(clean);
            default:
                return node;
        }
    }
}

/// <summary>A tool result could not be redacted in time, so none of it leaves the server.</summary>
public sealed class OutputWithheldException(string message, Exception inner) : Exception(message, inner);
