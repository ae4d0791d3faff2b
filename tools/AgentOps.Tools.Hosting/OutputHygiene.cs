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
public sealed class OutputHygiene(TextScreen screen)
{
    public const string SecretKeyRule = "[REDACTED:secret-key]";

    public static OutputHygiene Load(string guardrailsDirectory) => new(new TextScreen(GuardrailPolicy.LoadForRedaction(guardrailsDirectory)));

    // A pattern's first match in a fresh process includes JIT time inside its regex timeout; on a loaded machine that
    // alone can exceed it. A retry runs warm code. A timeout that persists is hostile or pathological input: withhold.
    private const int RedactionAttempts = 3;

    public string Redact(string text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return text;
        }
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return screen.Redact(text);
            }
            catch (RegexMatchTimeoutException) when (attempt < RedactionAttempts)
            {
                // Try again: the code is compiled now.
            }
            catch (RegexMatchTimeoutException ex)
            {
                throw new OutputWithheldException($"redaction did not finish within the pattern timeout after {RedactionAttempts} attempts; the output was withheld rather than returned unredacted", ex);
            }
        }
    }

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
