using System.Buffers;
using System.Text;
using System.Text.RegularExpressions;
using AgentOps.Guardrails.Injection;

namespace AgentOps.Guardrails.Policy;

/// <summary>A named regular expression from <c>guardrails/*.yaml</c>; the id is what a refusal names.</summary>
/// <param name="Weight">What a match adds to an injection score (secret patterns do not score).</param>
/// <param name="ChannelWeights">Per-channel weights that replace <paramref name="Weight"/> on that channel.</param>
/// <param name="RequiredLiterals">
/// Text every match contains at least one of (compared ignoring case, as the patterns are): text holding none cannot
/// match, and the regex is not run. A backtracking pattern such as password-assignment cost about 100 µs over half a
/// kilobyte of ordinary output; this check costs well under one.
/// </param>
public sealed record PatternRule(
    string Id,
    Regex Pattern,
    string Description,
    double Weight = 1.0,
    IReadOnlyDictionary<ScanChannel, double>? ChannelWeights = null,
    IReadOnlyList<string>? RequiredLiterals = null)
{
    private readonly SearchValues<string>? _required =
        RequiredLiterals is { Count: > 0 } literals ? SearchValues.Create(literals.ToArray(), StringComparison.OrdinalIgnoreCase) : null;

    /// <summary>True when <paramref name="text"/> holds none of <see cref="RequiredLiterals"/>, so it cannot match.</summary>
    /// <remarks>
    /// Only for ASCII text: ignoring case, the regex engine also equates 'k' with the Kelvin sign and 's' with the long
    /// s, which an ordinal comparison does not, so text outside ASCII always runs the regex.
    /// </remarks>
    public bool CannotMatch(string text) => _required is not null && Ascii.IsValid(text) && !text.AsSpan().ContainsAny(_required);

    public double WeightOn(ScanChannel channel) =>
        ChannelWeights is not null && ChannelWeights.TryGetValue(channel, out var weight) ? weight : Weight;
}
