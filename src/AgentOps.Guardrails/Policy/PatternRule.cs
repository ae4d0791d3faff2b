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
/// <param name="Allow">
/// Known false positives, gitleaks-style allow-list regexes (secret patterns only): a match whose text matches one of
/// them is not a secret (a documentation key such as <c>AKIAIOSFODNN7EXAMPLE</c>, a <c>&lt;password&gt;</c> placeholder),
/// and the search goes on with the next match. A match that spans a line break is never allowed: allowed values are
/// single tokens, and this keeps a check over many values joined by line breaks as strict as one per value.
/// </param>
public sealed record PatternRule(
    string Id,
    Regex Pattern,
    string Description,
    double Weight = 1.0,
    IReadOnlyDictionary<ScanChannel, double>? ChannelWeights = null,
    IReadOnlyList<string>? RequiredLiterals = null,
    IReadOnlyList<Regex>? Allow = null)
{
    private readonly SearchValues<string>? _required =
        RequiredLiterals is { Count: > 0 } literals ? SearchValues.Create(literals.ToArray(), StringComparison.OrdinalIgnoreCase) : null;

    private readonly TieredPattern _engine = new(Pattern);

    /// <summary>
    /// True when <paramref name="text"/> cannot match: it holds none of <see cref="RequiredLiterals"/>, or it does not
    /// match <see cref="Prefilter"/>.
    /// </summary>
    /// <remarks>
    /// The literals are checked only in ASCII text: ignoring case, the regex engine also equates 'k' with the Kelvin
    /// sign and 's' with the long s, which an ordinal comparison does not, so text outside ASCII goes on to the regex.
    /// A prefilter that times out proves nothing, so the pattern itself runs (and fails closed on its own timeout).
    /// </remarks>
    public bool CannotMatch(string text)
    {
        if (_required is not null && Ascii.IsValid(text) && !text.AsSpan().ContainsAny(_required))
        {
            return true;
        }
        try
        {
            return _engine.PrefilterFor(text) is { } prefilter && !prefilter.IsMatch(text);
        }
        catch (RegexMatchTimeoutException)
        {
            return false;
        }
    }

    /// <summary>
    /// For a pattern the non-backtracking engine cannot run (it has lookarounds), the same pattern without its
    /// lookarounds on that engine: it matches whatever the pattern matches and more, in time linear in the text.
    /// Three such patterns (an AWS secret key, a password assignment, a request to reveal credentials) cost 45 to 70 µs
    /// each on half a kilobyte of YAML in the backtracking interpreter, and the prefilter about 2 µs; they run only
    /// on text the prefilter matches. Built when the pattern is promoted (<see cref="Promote"/>); null before, and for
    /// patterns that need none or cannot have one.
    /// </summary>
    public Regex? Prefilter => _engine.Prefilter;

    /// <summary>
    /// The engine matches run on now: <see cref="Pattern"/> on the backtracking interpreter until the pattern is
    /// promoted, then the same pattern on the non-backtracking engine when that engine can run it (see <see cref="TieredPattern"/>).
    /// </summary>
    public Regex Engine => _engine.Current;

    /// <summary>True once the pattern has been promoted (<see cref="Promote"/>, or in the background after enough matches).</summary>
    public bool IsPromoted => _engine.IsPromoted;

    /// <summary>
    /// Moves the pattern to the non-backtracking engine now, and builds its prefilter if it must stay on the
    /// interpreter; a no-op once done. Returns true when matches now run on the linear engine.
    /// </summary>
    public bool Promote() => _engine.Promote() is not null;

    /// <summary>
    /// The first match in <paramref name="text"/>, on the current engine; a timeout on the interpreter promotes the
    /// pattern and tries once more on the linear engine. Throws <see cref="RegexMatchTimeoutException"/> when that
    /// fails too (or there is no linear engine). Callers check <see cref="CannotMatch"/> first.
    /// </summary>
    public Match Match(string text) => _engine.Run(text, text, static (regex, t) => regex.Match(t), System.Text.RegularExpressions.Match.Empty);

    /// <summary>True when <paramref name="matched"/>, the text of one match of <see cref="Pattern"/>, is a known false positive.</summary>
    public bool IsAllowed(string matched)
    {
        ArgumentNullException.ThrowIfNull(matched);
        if (Allow is not { Count: > 0 } allow || matched.Contains('\n', StringComparison.Ordinal))
        {
            return false;
        }
        foreach (var regex in allow)
        {
            if (regex.IsMatch(matched))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>
    /// True when <paramref name="text"/> holds a match that is not allowed. Without an allow-list this is one
    /// <see cref="Regex.IsMatch(string)"/>; with one, matches are walked until one is not allowed.
    /// Throws <see cref="RegexMatchTimeoutException"/> like the regex does. Callers check <see cref="CannotMatch"/> first.
    /// </summary>
    public bool FindsSecretIn(string text) => _engine.Run(text, (Rule: this, Text: text), static (regex, s) => s.Rule.FindsSecretIn(regex, s.Text), false);

    private bool FindsSecretIn(Regex regex, string text)
    {
        if (Allow is not { Count: > 0 })
        {
            return regex.IsMatch(text);
        }
        for (var match = regex.Match(text); match.Success; match = match.NextMatch())
        {
            if (!IsAllowed(match.Value))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>
    /// Replaces every match that is not allowed with <paramref name="marker"/>. Returns <paramref name="text"/> itself
    /// (the same instance) when nothing was replaced, so callers can tell clean text by reference. Callers check
    /// <see cref="CannotMatch"/> first.
    /// </summary>
    public string Redact(string text, string marker) =>
        _engine.Run(text, (Rule: this, Text: text, Marker: marker), static (regex, s) => s.Rule.Redact(regex, s.Text, s.Marker), text);

    private string Redact(Regex regex, string text, string marker)
    {
        if (Allow is not { Count: > 0 })
        {
            // Regex.Replace returns the input instance when nothing matched.
            return regex.Replace(text, marker);
        }
        StringBuilder? redacted = null;
        var copied = 0;
        for (var match = regex.Match(text); match.Success; match = match.NextMatch())
        {
            if (IsAllowed(match.Value))
            {
                continue;
            }
            redacted ??= new StringBuilder(text.Length);
            redacted.Append(text, copied, match.Index - copied).Append(marker);
            copied = match.Index + match.Length;
        }
        return redacted is null ? text : redacted.Append(text, copied, text.Length - copied).ToString();
    }

    public double WeightOn(ScanChannel channel) =>
        ChannelWeights is not null && ChannelWeights.TryGetValue(channel, out var weight) ? weight : Weight;
}
