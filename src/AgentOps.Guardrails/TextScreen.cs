using System.Text.RegularExpressions;
using AgentOps.Guardrails.Policy;

namespace AgentOps.Guardrails;

/// <summary>Runs the policy's injection and secret patterns over text. Fails closed when a pattern times out.</summary>
/// <param name="policy">The patterns and thresholds.</param>
/// <param name="buildAutomatonAfterScans">
/// The scan on which the joined injection automaton starts building in the background (see <see cref="Injection.InjectionAutomaton"/>).
/// </param>
public sealed partial class TextScreen(GuardrailPolicy policy, int buildAutomatonAfterScans = Injection.InjectionAutomaton.DefaultBuildAfterScans)
{
    private static readonly PatternRule s_timeout = new("pattern-timeout", new Regex("$^"), "a pattern took too long on this input");

    private readonly Injection.InjectionScan?[] _clean = new Injection.InjectionScan?[Enum.GetValues<Injection.ScanChannel>().Length];

    private readonly Injection.InjectionAutomaton _automaton = new(policy.InjectionPatterns, buildAutomatonAfterScans);

    // Per channel, the patterns that weigh anything there with their weight, in the file's order: round 8 added 24
    // patterns that weigh 0 on tool arguments, and the per-call scan should not even look them up.
    private readonly (PatternRule Rule, double Weight)[][] _weighted = [.. Enum.GetValues<Injection.ScanChannel>().Select(c => WeightedOn(policy, c))];

    // Tool arguments are screened on every tool call, and only by the patterns that weigh anything there (most weak
    // signals weigh 0 on arguments): those get an automaton of their own, smaller and faster than the full one.
    private readonly Injection.InjectionAutomaton _argumentAutomaton = new(
        [.. WeightedOn(policy, Injection.ScanChannel.ToolArgument).Select(w => w.Rule)], buildAutomatonAfterScans);

    /// <summary>The joined injection automaton this screen uses for requests and tool output once the process has screened enough text.</summary>
    public Injection.InjectionAutomaton Automaton => _automaton;

    /// <summary>The joined automaton of the patterns that weigh anything on tool arguments, used for those.</summary>
    public Injection.InjectionAutomaton ArgumentAutomaton => _argumentAutomaton;

    /// <summary>
    /// Moves every injection and secret pattern, and the quoted-mention rule, to the non-backtracking engine now, on the calling thread (about 1.6 s
    /// of CPU), rather than one by one as they are used (see <see cref="PatternRule.Promote"/>). For benchmarks and
    /// tests that measure the steady state of a long-lived process.
    /// </summary>
    public void PromotePatterns()
    {
        foreach (var rule in policy.InjectionPatterns.Concat(policy.SecretPatterns))
        {
            rule.Promote();
        }
        policy.Mentions?.Promote();
    }

    /// <summary>
    /// The heaviest injection pattern when <paramref name="text"/>, as a tool argument, scores enough to be refused
    /// (see <see cref="Scan"/>); null when it would be allowed or only flagged.
    /// </summary>
    public PatternRule? FindInjection(string text)
    {
        var scan = Scan(text, Injection.ScanChannel.ToolArgument);
        if (scan.Verdict != Injection.ScanVerdict.Block || scan.Top is not { } top)
        {
            return null;
        }
        // The trained scorer has no regex: a refusal it decides (only if injection.yaml weighs it on tool arguments)
        // names it through a rule whose pattern matches nothing, like the timeout's.
        return top.Id == s_timeout.Id ? s_timeout
            : top.Id == Injection.InjectionClassifierRule.Id ? new PatternRule(top.Id, s_timeout.Pattern, top.Description, top.Weight)
            : policy.InjectionPatterns.First(p => p.Id == top.Id);
    }

    /// <summary>The first secret pattern with a match in <paramref name="text"/> that its allow-list does not excuse; null when none.</summary>
    public PatternRule? FindSecret(string text) => FirstMatch(policy.SecretPatterns, text);

    /// <summary>Replaces every secret-looking value with a marker naming the rule, for logs and replies.</summary>
    /// <exception cref="RegexMatchTimeoutException">
    /// A secret pattern timed out on every attempt: the text could not be redacted, so it must not be stored or shown.
    /// </exception>
    public string Redact(string text)
    {
        // A match on a rule's allow-list (a documentation key, a placeholder) is left as it is. Text with nothing to
        // redact comes back as the same instance.
        foreach (var rule in policy.SecretPatterns)
        {
            if (!rule.CannotMatch(text))
            {
                // A rule's Redact returns nothing half-done, so a retry starts from the same text.
                text = RegexRetry.Retried((rule, text), static s => s.rule.Redact(s.text, $"[REDACTED:{s.rule.Id}]"));
            }
        }
        return text;
    }

    private static PatternRule? FirstMatch(IReadOnlyList<PatternRule> rules, string text)
    {
        // Indexed, not enumerated: this runs over every argument string of every tool call.
        for (var i = 0; i < rules.Count; i++)
        {
            var rule = rules[i];
            if (rule.CannotMatch(text))
            {
                continue;
            }
            try
            {
                // A match on the rule's allow-list is not a secret; the next match is looked at instead.
                if (RegexRetry.Retried((rule, text), static s => s.rule.FindsSecretIn(s.text)))
                {
                    return rule;
                }
            }
            catch (RegexMatchTimeoutException)
            {
                return s_timeout;
            }
        }
        return null;
    }

    /// <summary>What a pattern or the trained scorer reads: see <see cref="TextNormalisation"/>.</summary>
    internal static string Normalise(string text) => TextNormalisation.Normalise(text);
}
