using System.Globalization;
using System.Text.RegularExpressions;
using AgentOps.Guardrails.Injection;
using AgentOps.Guardrails.Policy;

namespace AgentOps.Guardrails;

public sealed partial class TextScreen
{
    private const int ExcerptLength = 80;

    /// <summary>
    /// Screens text for prompt injection on one channel. Every pattern runs (after NFKC and removal of invisible
    /// characters); the score is the sum of the channel weights of the distinct patterns that matched, and the
    /// channel's thresholds from <c>injection.yaml</c> turn it into allow, flag or block. A pattern that times out on
    /// every attempt blocks: text we cannot screen is not let through. The trained scorer (<c>classifier:</c> in
    /// <c>injection.yaml</c>) is one more weak signal: on a channel where it weighs more than 0 it runs on every text,
    /// and at or above its threshold adds a <c>classifier</c> reason with that weight, after the patterns' reasons.
    /// </summary>
    public InjectionScan Scan(string text, ScanChannel channel)
    {
        ArgumentNullException.ThrowIfNull(text);
        var thresholds = policy.Thresholds.For(channel);
        var normalised = Normalise(text);
        // Quoted attack text in a discussion of attacks (an advisory, a moderation rule) is blanked first, on the
        // channels injection.yaml's mentions: names: both signals below then read only what the text says itself.
        if (policy.Mentions is { } mentions)
        {
            normalised = mentions.Blank(normalised, channel);
        }
        // The automaton proves only that no pattern matches: the trained scorer still runs where it weighs anything.
        var classified = Classify(normalised, channel);
        if ((channel == ScanChannel.ToolArgument ? _argumentAutomaton : _automaton).ProvesClean(normalised))
        {
            return classified is { } alone
                ? new InjectionScan(channel, thresholds.Judge(Math.Round(alone.Weight, 3)), Math.Round(alone.Weight, 3), [alone])
                : Clean(channel);
        }
        var reasons = new List<InjectionReason>();
        var weighted = (uint)channel < (uint)_weighted.Length ? _weighted[(int)channel] : WeightedOn(policy, channel);
        foreach (var (rule, weight) in weighted)
        {
            if (rule.CannotMatch(normalised))
            {
                continue;
            }
            Match match;
            try
            {
                match = RegexRetry.Retried((rule, normalised), static s => s.rule.Match(s.normalised));
            }
            catch (RegexMatchTimeoutException)
            {
                var timeout = new InjectionReason(s_timeout.Id, s_timeout.Description, thresholds.Block, string.Empty);
                return new InjectionScan(channel, ScanVerdict.Block, reasons.Sum(r => r.Weight) + timeout.Weight, [timeout, .. reasons]);
            }
            if (match.Success)
            {
                reasons.Add(new InjectionReason(rule.Id, rule.Description, weight, Excerpt(match.Value)));
            }
        }
        if (classified is { } scored)
        {
            reasons.Add(scored);
        }
        // Heaviest first; OrderByDescending is stable, so among equals the file's order decides (it names the refusal),
        // and the trained scorer, added last, names it only when it outweighs every pattern that matched.
        var ordered = reasons.OrderByDescending(r => r.Weight).ToArray();
        var score = Math.Round(ordered.Sum(r => r.Weight), 3);
        return new InjectionScan(channel, thresholds.Judge(score), score, ordered);
    }

    // The patterns that weigh anything on a channel, with that weight, in the file's order. Not inline in Scan: a
    // lambda capturing the channel there would allocate its closure on every scan.
    private static (PatternRule Rule, double Weight)[] WeightedOn(GuardrailPolicy policy, ScanChannel channel) =>
        [.. policy.InjectionPatterns.Select(p => (p, p.WeightOn(channel))).Where(w => w.Item2 > 0)];

    // Most texts are clean, and a clean scan of a channel is always the same immutable result: one per channel.
    private InjectionScan Clean(ScanChannel channel)
    {
        var index = (int)channel;
        if ((uint)index >= (uint)_clean.Length)
        {
            return new InjectionScan(channel, policy.Thresholds.For(channel).Judge(0), 0, []);
        }
        return _clean[index] ??= new InjectionScan(channel, policy.Thresholds.For(channel).Judge(0), 0, []);
    }

    // The trained scorer's reason, or null: not configured, weight 0 on this channel, or below its threshold.
    private InjectionReason? Classify(string normalised, ScanChannel channel)
    {
        if (policy.Classifier is not { } classifier || classifier.WeightOn(channel) is var weight && weight <= 0)
        {
            return null;
        }
        var score = classifier.Model.Score(normalised);
        return score.Probability >= classifier.Threshold
            ? new InjectionReason(
                InjectionClassifierRule.Id,
                string.Create(CultureInfo.InvariantCulture, $"reads like an instruction to the agent (trained scorer, p={score.Probability:0.00})"),
                weight,
                Excerpt(normalised[score.Start..score.End]))
            : null;
    }

    private static string Excerpt(string value)
    {
        var flat = string.Join(' ', value.Split(['\r', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries));
        return flat.Length <= ExcerptLength ? flat : flat[..ExcerptLength] + "…";
    }
}
