namespace AgentOps.Guardrails.Injection;

/// <summary>
/// The result of screening one text on one channel: the verdict from the channel's thresholds, the score (the sum of
/// the weights of the distinct patterns that matched) and those patterns, heaviest first.
/// </summary>
public sealed record InjectionScan(ScanChannel Channel, ScanVerdict Verdict, double Score, IReadOnlyList<InjectionReason> Reasons)
{
    /// <summary>The reason a refusal names: the heaviest pattern that matched (the first in the file among equals).</summary>
    public InjectionReason? Top => Reasons.Count > 0 ? Reasons[0] : null;

    /// <summary>The rule a decision names: <c>injection.&lt;top pattern&gt;</c>, or <c>injection.none</c>.</summary>
    public string Rule => Top is { } top ? "injection." + top.Id : "injection.none";

    /// <summary>One line for people and audit records: verdict, score and every pattern that matched.</summary>
    public string Describe() => Reasons.Count == 0
        ? $"{Verdict.ToString().ToLowerInvariant()}: score 0, no injection pattern matched"
        : $"{Verdict.ToString().ToLowerInvariant()}: score {Score:0.##}; matched {string.Join(", ", Reasons.Select(r => $"{r.Id} ({r.Weight:0.##})"))}";
}
