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
public sealed partial class OutputHygiene(TextScreen screen)
{
    public const string SecretKeyRule = "[REDACTED:secret-key]";

    public static OutputHygiene Load(string guardrailsDirectory) => new(new TextScreen(GuardrailPolicy.Load(guardrailsDirectory)));

    public string Redact(string text) => string.IsNullOrEmpty(text) ? text : screen.Redact(text);

    /// <summary>Marks text from outside as untrusted, redacted.</summary>
    public UntrustedText Untrusted(string origin, string text) => new(origin, Redact(text));

    /// <summary>True when a key's name says its value is a secret. <c>secretName</c> and <c>token_type</c> name things; they are not secrets.</summary>
    public static bool IsSecretKey(string key) => SecretKeyPattern().IsMatch(key);

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

    [GeneratedRegex(@"(^|[_.\-])(password|passwd|pwd|secret|token|api[_.\-]?key|private[_.\-]?key|ssh[_.\-]?privatekey|access[_.\-]?key|secret[_.\-]?key|credentials?|client[_.\-]?secret)$|^(apiKey|privateKey|accessKey|secretKey|clientSecret|tls\.key)$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SecretKeyPattern();
}
