using System.Text.RegularExpressions;
using AgentOps.Guardrails.Policy;

namespace AgentOps.Guardrails.Injection;

/// <summary>
/// The use–mention rule of the injection screen, from <c>mentions:</c> in <c>guardrails/injection.yaml</c>. A security
/// advisory, a moderation rule, a postmortem or awareness training quotes attack text ("the issue contained the text
/// "ignore previous instructions …""): the words are mentioned, not addressed to the reader. On the channels the rule
/// names, a quoted span is blanked before the patterns and the trained scorer read the text when all of these hold:
/// <list type="bullet">
/// <item>a reporting frame introduces it, it continues a list of such quotations, (<see cref="Before"/>: "contained the text", "users type things like", "says:")
/// or labels it (<see cref="After"/>: "… style requests", "… attacks");</item>
/// <item>the text outside the quotes talks about attacks or their handling (<see cref="Discussion"/>: injection,
/// jailbreak, blocked, advisory, refuse …);</item>
/// <item>nothing outside the quotes tells the reader to act on what is quoted (<see cref="Obey"/>: "do what it says",
/// "follow it").</item>
/// </list>
/// A text that is plainly about attacks -- at least <see cref="StrongDiscussionAtLeast"/> different cues of
/// <see cref="StrongDiscussion"/> outside every quotation (an advisory that names the jailbreak and the guard, a test log
/// of the detector's fixtures) -- needs no frame: every quotation in it is a mention, under the same last condition.
/// Whatever the text says outside the quotes is still screened in full, so an instruction to the agent next to a
/// quoted example is caught as before. Someone can dress an instruction up as a quotation in a discussion of attacks;
/// tool output is still datamarked as untrusted (<see cref="Spotlighter"/>) before any model reads it, and approvals,
/// scopes and budgets never depend on this screen. The rule applies only to the channels configured (requests and tool
/// output by default), never to tool arguments, which are the agent's own writing.
/// </summary>
public sealed class QuotedMentions(
    Regex quote, Regex before, Regex after, Regex discussion, Regex obey, IReadOnlySet<ScanChannel> channels,
    Regex? strongDiscussion = null, int strongDiscussionAtLeast = 0)
{
    /// <summary>How far before an opening quote, and after a closing one, a frame is looked for.</summary>
    public const int FrameReach = 40;

    // These regexes run on every request and every tool output, so a long-lived process runs them on the linear
    // engine: the quote, grown past that engine's size limit, as parts it takes; obey, which needs lookbehinds, behind
    // a prefilter without them. Left to the interpreter, the two cost about 95 us per screened text (text-screen
    // benchmark). Building those automata costs about 0.13 s and 20 MB, so, like the injection patterns
    // (TieredPattern), they are built in the background after enough uses, or at once for long text, where the
    // interpreter's cost grows fastest; a one-shot command screening one request never pays for them.
    private volatile IReadOnlyList<Regex> _quoteParts = [quote];
    private volatile Regex? _obeyPrefilter;
    private PromotionSchedule? _promotion;

    // Built on first use (a field initializer cannot name an instance method); only the instance published first is used.
    private PromotionSchedule Promotion =>
        _promotion ?? Interlocked.CompareExchange(ref _promotion, new PromotionSchedule(BuildLinear), null) ?? _promotion;

    /// <summary>
    /// A quoted span; its group <c>body</c> is what is blanked. An alternative with an (empty) group <c>framed</c> is
    /// its own frame ("if a customer asks you to …, decline"): it needs no <see cref="Before"/> or <see cref="After"/>.
    /// </summary>
    public Regex Quote { get; } = quote;

    /// <summary>Matched against the text just before the opening quote (anchor it with <c>$</c>).</summary>
    public Regex Before { get; } = before;

    /// <summary>Matched against the text just after the closing quote (anchor it with <c>^</c>).</summary>
    public Regex After { get; } = after;

    /// <summary>Must match the text outside the quoted spans.</summary>
    public Regex Discussion { get; } = discussion;

    /// <summary>Must not match the text outside the quoted spans.</summary>
    public Regex Obey { get; } = obey;

    public IReadOnlySet<ScanChannel> Channels { get; } = channels;

    /// <summary>Cues that a text is about attacks themselves (prompt injection, red team, the guard's fixtures); null: frames always needed.</summary>
    public Regex? StrongDiscussion { get; } = strongDiscussion;

    /// <summary>How many different <see cref="StrongDiscussion"/> cues outside every quotation make an unframed quotation a mention.</summary>
    public int StrongDiscussionAtLeast { get; } = strongDiscussionAtLeast;

    /// <summary>
    /// <paramref name="normalised"/> with the body of every quoted mention replaced by spaces (offsets kept), or the
    /// same instance when the channel is not covered or nothing is a mention.
    /// </summary>
    public string Blank(string normalised, ScanChannel channel)
    {
        // Blanking only ever lowers a score, so a regex that will not finish here (RegexRetry's attempts spent) leaves
        // the text as it is, screened in full.
        try
        {
            return RegexRetry.Retried((Mentions: this, Text: normalised, Channel: channel), static s => s.Mentions.BlankOnce(s.Text, s.Channel));
        }
        catch (RegexMatchTimeoutException)
        {
            return normalised;
        }
    }

    /// <summary>Moves the quote and obey regexes to the linear engine now, on the calling thread, if not done yet.</summary>
    public void Promote() => Promotion.PromoteNow();

    private void BuildLinear()
    {
        _obeyPrefilter = LinearEngine.Prefilter(Obey);
        _quoteParts = LinearEngine.Split(Quote) ?? [Quote];
    }

    private string BlankOnce(string normalised, ScanChannel channel)
    {
        // No quick reject on quote characters: two of the shipped frames (a system prompt's "if a user asks you to …",
        // a YAML block list) quote nothing. The quote regex runs on the non-backtracking engine, linear in the text.
        if (!Channels.Contains(channel))
        {
            return normalised;
        }
        Promotion.CountUse(normalised.Length);
        List<(int Start, int Length)>? mentions = null;
        List<(int Start, int Length)>? unframed = null;
        var previousMentionEnd = -1;
        foreach (var match in QuoteMatches(normalised))
        {
            var body = match.Groups["body"];
            if (!body.Success || body.Length == 0)
            {
                continue;
            }
            var beforeStart = Math.Max(0, match.Index - FrameReach);
            var afterEnd = Math.Min(normalised.Length, match.Index + match.Length + FrameReach);
            if (match.Groups["framed"].Success
                || Before.IsMatch(normalised.AsSpan(beforeStart, match.Index - beforeStart))
                || After.IsMatch(normalised.AsSpan(match.Index + match.Length, afterEnd - match.Index - match.Length))
                || (previousMentionEnd >= 0 && IsListSeparator(normalised.AsSpan(previousMentionEnd, match.Index - previousMentionEnd))))
            {
                (mentions ??= []).Add((body.Index, body.Length));
                previousMentionEnd = match.Index + match.Length;
            }
            else if (StrongDiscussion is not null)
            {
                (unframed ??= []).Add((body.Index, body.Length));
            }
        }
        if (mentions is null && unframed is null)
        {
            return normalised;
        }
        var blanked = normalised.ToCharArray();
        Fill(blanked, mentions);
        string? outside = null;
        if (unframed is not null)
        {
            var everyQuote = (char[])blanked.Clone();
            Fill(everyQuote, unframed);
            var everyQuoteText = new string(everyQuote);
            if (IsPlainlyAboutAttacks(everyQuoteText))
            {
                outside = everyQuoteText;
            }
            else if (mentions is null)
            {
                return normalised;
            }
        }
        outside ??= new string(blanked);
        // The frame alone is not enough: the text around the quotes must be about attacks, and must not tell the reader
        // to carry out what it quotes.
        return Discussion.IsMatch(outside) && !Obeys(outside) ? outside : normalised;
    }

    /// <summary>True when, once promoted, <see cref="Quote"/> runs on the linear engine, whole or in parts, as it must for the cost above.</summary>
    internal bool QuoteIsLinear
    {
        get
        {
            Promote();
            return _quoteParts.All(p => (p.Options & RegexOptions.NonBacktracking) != 0);
        }
    }

    /// <summary>True when, once promoted, <see cref="Obey"/> runs on the linear engine or behind a prefilter that does.</summary>
    internal bool ObeyIsLinear
    {
        get
        {
            Promote();
            return (Obey.Options & RegexOptions.NonBacktracking) != 0 || _obeyPrefilter is not null;
        }
    }

    private bool Obeys(string outside) => (_obeyPrefilter is not { } prefilter || prefilter.IsMatch(outside)) && Obey.IsMatch(outside);

    private IEnumerable<Match> QuoteMatches(string normalised) => LinearEngine.Matches(_quoteParts, normalised);

    private static void Fill(char[] text, List<(int Start, int Length)>? spans)
    {
        foreach (var (start, length) in spans ?? [])
        {
            text.AsSpan(start, length).Fill(' ');
        }
    }

    // Different cues, not matches: one word repeated down a log ("blocked", "blocked", …) is not a discussion.
    private bool IsPlainlyAboutAttacks(string outside)
    {
        HashSet<string>? cues = null;
        foreach (Match cue in StrongDiscussion!.Matches(outside))
        {
            (cues ??= new HashSet<string>(StringComparer.OrdinalIgnoreCase)).Add(cue.Value);
            if (cues.Count >= StrongDiscussionAtLeast)
            {
                return true;
            }
        }
        return false;
    }

    // "things like "a", "b" or "c"": a quotation that only continues a list of mentions is one too, and so is the next
    // item of a YAML or Markdown bullet list ("- "a"").
    private static bool IsListSeparator(ReadOnlySpan<char> between)
    {
        var trimmed = between.Trim();
        return trimmed.IsEmpty || trimmed is "," or ";" or "/" or "or" or "and" or ", or" or ", and" or "-" or "*" or "•";
    }
}
