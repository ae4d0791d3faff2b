using System.Text.RegularExpressions;

namespace AgentOps.Guardrails.Policy;

/// <summary>
/// The engine one pattern from <c>guardrails/</c> runs on, tiered like the JIT. It starts on the backtracking
/// interpreter, which builds in well under a millisecond, and is promoted to the non-backtracking engine, which runs in
/// time linear in the text but costs 20 to 185 ms of CPU to build for one of our longer injection patterns (1.3 s for
/// all of them, more than half of every one-shot CLI command's run time before this tiering):
/// <list type="bullet">
/// <item>in the background after <see cref="UsesBeforePromotion"/> matches, so a long-lived process gets the linear engine;</item>
/// <item>before the first match on text of <see cref="PromoteAtLength"/> characters or more: there the interpreter's
/// cost can grow with the square of the length (a 256 KB tool argument timed out on it), and the build pays for itself;</item>
/// <item>at once when a match on the interpreter times out (text it backtracks on): the match is run again on the
/// linear engine, so a timeout still refuses only text the linear engine cannot finish either.</item>
/// </list>
/// Both engines find the same matches (.NET's non-backtracking engine reports the match the backtracking engines
/// would), which <c>TieredPatternTests</c> checks for every shipped pattern over every corpus text.
/// </summary>
/// <remarks>
/// A pattern the linear engine cannot run (a lookaround) stays on the interpreter; promotion gives it instead a
/// prefilter, the pattern without its lookarounds on the linear engine, which proves text clean without backtracking.
/// A pattern given already on the linear engine (tests build some) starts promoted.
/// </remarks>
internal sealed class TieredPattern
{
    /// <summary>Matches after which the pattern is promoted in the background.</summary>
    public const int UsesBeforePromotion = PromotionSchedule.UsesBeforePromotion;

    /// <summary>Text at least this long promotes the pattern before it is matched.</summary>
    public const int PromoteAtLength = PromotionSchedule.PromoteAtLength;

    private readonly Regex _interpreted;
    private readonly PromotionSchedule _promotion;
    private volatile Regex? _linear;
    private volatile Regex? _prefilter;

    public TieredPattern(Regex pattern)
    {
        _interpreted = pattern;
        var linear = (pattern.Options & RegexOptions.NonBacktracking) != 0;
        _linear = linear ? pattern : null;
        _promotion = new PromotionSchedule(Build, alreadyDone: linear);
    }

    /// <summary>True once promotion has run (whether or not the linear engine could take the pattern).</summary>
    public bool IsPromoted => _promotion.IsDone;

    /// <summary>Once promoted, for a pattern left on the interpreter: the pattern without its lookarounds on the linear engine.</summary>
    public Regex? Prefilter => _prefilter;

    /// <summary>The engine matches run on now, without counting a use.</summary>
    public Regex Current => _linear ?? _interpreted;

    /// <summary><see cref="Prefilter"/>, after promoting first when <paramref name="text"/> is long (see <see cref="PromoteAtLength"/>).</summary>
    public Regex? PrefilterFor(string text)
    {
        _promotion.PromoteIfLong(text.Length);
        return _prefilter;
    }

    /// <summary>The engine a match on <paramref name="text"/> runs on; counts the use towards promotion.</summary>
    public Regex EngineFor(string text)
    {
        if (_linear is { } linear)
        {
            return linear;
        }
        // Long text is where the interpreter can cost the square of the length, and where the build pays for itself.
        return _promotion.CountUse(text.Length) ? _linear ?? _interpreted : _interpreted;
    }

    /// <summary>
    /// <paramref name="run"/> over <paramref name="text"/> on the engine for it. When it times out on the interpreter,
    /// the pattern is promoted on this thread, and <paramref name="run"/> is tried once on the linear engine; a pattern
    /// that must stay on the interpreter answers <paramref name="noMatch"/> instead when its new prefilter proves the
    /// text holds no match. Otherwise the timeout propagates (the screen fails closed).
    /// </summary>
    public TResult Run<TState, TResult>(string text, TState state, Func<Regex, TState, TResult> run, TResult noMatch)
    {
        var engine = EngineFor(text);
        try
        {
            return run(engine, state);
        }
        catch (RegexMatchTimeoutException) when (!ReferenceEquals(engine, _linear))
        {
            if (Promote() is { } linear)
            {
                return run(linear, state);
            }
            if (_prefilter is { } prefilter && !prefilter.IsMatch(text))
            {
                return noMatch;
            }
            throw;
        }
    }

    /// <summary>Promotes now, on the calling thread, if not done yet; returns the linear engine or null when it cannot run the pattern.</summary>
    public Regex? Promote()
    {
        _promotion.PromoteNow();
        return _linear;
    }

    private void Build()
    {
        var linear = LinearEngine.TryBuild(_interpreted.ToString(), _interpreted);
        if (linear is null)
        {
            _prefilter = LinearEngine.Prefilter(_interpreted);
        }
        _linear = linear;
    }
}
