using System.Text.RegularExpressions;
using AgentOps.Guardrails.Injection;

namespace AgentOps.Guardrails.Policy;

/// <summary>A named regular expression from <c>guardrails/*.yaml</c>; the id is what a refusal names.</summary>
/// <param name="Weight">What a match adds to an injection score (secret patterns do not score).</param>
/// <param name="ChannelWeights">Per-channel weights that replace <paramref name="Weight"/> on that channel.</param>
public sealed record PatternRule(
    string Id,
    Regex Pattern,
    string Description,
    double Weight = 1.0,
    IReadOnlyDictionary<ScanChannel, double>? ChannelWeights = null)
{
    public double WeightOn(ScanChannel channel) =>
        ChannelWeights is not null && ChannelWeights.TryGetValue(channel, out var weight) ? weight : Weight;
}
