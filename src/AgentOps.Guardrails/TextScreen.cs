using System.Text.RegularExpressions;
using AgentOps.Guardrails.Policy;

namespace AgentOps.Guardrails;

/// <summary>Runs the policy's injection and secret patterns over text. Fails closed when a pattern times out.</summary>
public sealed class TextScreen(GuardrailPolicy policy)
{
    private static readonly PatternRule s_timeout = new("pattern-timeout", new Regex("$^"), "a pattern took too long on this input");

    public PatternRule? FindInjection(string text) => FirstMatch(policy.InjectionPatterns, Normalise(text));

    public PatternRule? FindSecret(string text) => FirstMatch(policy.SecretPatterns, text);

    /// <summary>Replaces every secret-looking value with a marker naming the rule, for logs and replies.</summary>
    public string Redact(string text)
    {
        foreach (var rule in policy.SecretPatterns)
        {
            text = rule.Pattern.Replace(text, $"[REDACTED:{rule.Id}]");
        }
        return text;
    }

    // A timeout is retried before it fails closed: on a loaded machine (a CI runner running test projects side by side)
    // the first match of a pattern in a fresh process, which builds its matcher, could alone exceed the budget and
    // refuse a valid request. A pattern that times out on every attempt is a hostile input: refuse.
    private const int Attempts = 3;

    private static PatternRule? FirstMatch(IReadOnlyList<PatternRule> rules, string text)
    {
        foreach (var rule in rules)
        {
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    if (rule.Pattern.IsMatch(text))
                    {
                        return rule;
                    }
                    break;
                }
                catch (RegexMatchTimeoutException) when (attempt < Attempts)
                {
                    // Try again: the matcher is built now.
                }
                catch (RegexMatchTimeoutException)
                {
                    return s_timeout;
                }
            }
        }
        return null;
    }

    // Zero-width and bidi characters are a classic way to split a keyword past a filter; drop them first.
    private static string Normalise(string text)
    {
        var builder = new System.Text.StringBuilder(text.Length);
        foreach (var c in text.Normalize(System.Text.NormalizationForm.FormKC))
        {
            if (c is '\u200B' or '\u200C' or '\u200D' or '\u2060' or '\uFEFF' || c is >= '\u202A' and <= '\u202E' || c is >= '\u2066' and <= '\u2069')
            {
                continue;
            }
            builder.Append(c);
        }
        return builder.ToString();
    }
}
