using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using AgentOps.Guardrails;

namespace AgentOps.Orchestration.Tools;

/// <summary>
/// What our tool servers' output hygiene does, done by the orchestrator for a server we did not write: secret-looking
/// values are replaced with <c>[REDACTED:&lt;rule&gt;]</c> using the guardrails' patterns, values under secret-named keys
/// (and Kubernetes <c>env</c> entries whose name is secret-named) are replaced whatever they look like, and the result is
/// wrapped as untrusted text — <c>{"trust":"untrusted","origin":...,"text":...}</c>, the shape our servers use.
/// </summary>
public sealed class UntrustedOutputScreen(TextScreen screen)
{
    public const string SecretKeyMarker = "[REDACTED:secret-key]";
    public const string UntrustedMarker = "untrusted";

    /// <summary>
    /// The outcome as it may be stored, audited and shown: redacted, wrapped, and flagged untrusted. Output that cannot
    /// be screened (a secret pattern timed out on every attempt) is withheld and the call reported as failed: fail closed.
    /// </summary>
    public ToolCallOutcome Screen(string origin, ToolCallOutcome outcome)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(origin);
        ArgumentNullException.ThrowIfNull(outcome);
        string text;
        JsonNode? content;
        try
        {
            text = RedactText(outcome.Text);
            content = outcome.Structured is { } structured ? RedactTree(structured.DeepClone()) : null;
        }
        catch (RegexMatchTimeoutException)
        {
            var withheld = $"the output of {origin} was withheld: it could not be screened for secrets in time";
            return new ToolCallOutcome(true, new JsonObject { ["trust"] = UntrustedMarker, ["origin"] = origin, ["text"] = withheld }, withheld, Untrusted: true);
        }
        var wrapped = new JsonObject { ["trust"] = UntrustedMarker, ["origin"] = origin, ["text"] = text };
        if (content is not null)
        {
            wrapped["content"] = content;
        }
        return new ToolCallOutcome(outcome.IsError, wrapped, text, Untrusted: true);
    }

    /// <summary>
    /// Redacts text that may be JSON, YAML (Kubernetes objects as <c>--list-output yaml</c> prints them) or prose.
    /// Structure is used where it parses, so that a secret-named key redacts its value; patterns run over everything.
    /// </summary>
    /// <exception cref="RegexMatchTimeoutException">A pattern timed out on every attempt (see <see cref="TextScreen.Redact"/>).</exception>
    public string RedactText(string text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return text;
        }
        var trimmed = text.AsSpan().TrimStart();
        if (trimmed.Length > 0 && trimmed[0] is '{' or '[')
        {
            try
            {
                return RedactTree(JsonNode.Parse(text))?.ToJsonString() ?? text;
            }
            catch (JsonException)
            {
                // YAML flow style, or not structured at all: the YAML reading below covers both.
            }
        }
        return screen.Redact(YamlSecrets.RedactSecretValues(text, IsSecretKey, SecretKeyMarker));
    }

    /// <summary>Redacts a JSON tree in place and returns it.</summary>
    /// <exception cref="RegexMatchTimeoutException">A pattern timed out on every attempt on a string in the tree.</exception>
    public JsonNode? RedactTree(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                var secretEnvironmentEntry = IsSecretEnvironmentEntry(obj);
                foreach (var (key, child) in obj.ToArray())
                {
                    if (child is JsonValue && (IsSecretKey(key) || secretEnvironmentEntry && key == "value"))
                    {
                        obj[key] = SecretKeyMarker;
                    }
                    else if (RedactTree(child) is var redacted && !ReferenceEquals(redacted, child))
                    {
                        obj[key] = redacted;
                    }
                }
                return obj;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    var child = array[i];
                    if (RedactTree(child) is var redacted && !ReferenceEquals(redacted, child))
                    {
                        array[i] = redacted;
                    }
                }
                return array;
            case JsonValue value when value.TryGetValue<string>(out var text):
                var clean = RedactText(text);
                return clean == text ? value : JsonValue.Create(clean);
            default:
                return node;
        }
    }

    /// <summary>
    /// True when a key's name says its value is a secret. The same rule as our servers' <c>OutputHygiene.IsSecretKey</c>:
    /// <c>secretName</c> and <c>token_type</c> name things; they are not secrets.
    /// </summary>
    public static bool IsSecretKey(string key) => SecretKeyNames.IsSecretKey(key);

    // A Kubernetes env entry is {name: DB_PASSWORD, value: ...}: the key that names the secret is a value of its own.
    private static bool IsSecretEnvironmentEntry(JsonObject obj) =>
        obj["name"] is JsonValue name && name.TryGetValue<string>(out var text) && IsSecretKey(text) && obj["value"] is JsonValue;
}
