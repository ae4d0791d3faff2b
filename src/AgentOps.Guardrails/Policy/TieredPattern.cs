using System.Text.RegularExpressions;

namespace AgentOps.Guardrails.Policy;

/// <summary>
/// The engine one pattern from <c>guardrails/</c> runs on, tiered like the JIT. It starts on the backtracking
/// interpreter, which builds in well under a millisecond, and is promoted to the non-backtracking engine, which runs in
/// time linear in the text but costs 20 to 185 ms of CPU to build for one of our longer injection patterns (1.3 s for
/// all of them, more than half of every one-shot CLI command's run time before this tiering):
/// <list type="bullet">
/// <item>in the background after <see cref="UsesBeforePromotion"/> matches, so a long-lived process gets the linear engine;</item>
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
    public const int UsesBeforePromotion = 1_000;

    private readonly Regex _interpreted;
    private readonly Lock _promoting = new();
    private volatile Regex? _linear;
    private volatile Regex? _prefilter;
    private volatile bool _promoted;
    private int _uses;

    public TieredPattern(Regex pattern)
    {
        _interpreted = pattern;
        if ((pattern.Options & RegexOptions.NonBacktracking) != 0)
        {
            _linear = pattern;
            _promoted = true;
        }
    }

    /// <summary>True once promotion has run (whether or not the linear engine could take the pattern).</summary>
    public bool IsPromoted => _promoted;

    /// <summary>The pattern on the linear engine once promoted, if that engine can run it.</summary>
    public Regex? Linear => _linear;

    /// <summary>Once promoted, for a pattern left on the interpreter: the pattern without its lookarounds on the linear engine.</summary>
    public Regex? Prefilter => _prefilter;

    /// <summary>The engine a match runs on now; counts the use towards promotion.</summary>
    public Regex Current
    {
        get
        {
            if (_linear is { } linear)
            {
                return linear;
            }
            if (!_promoted && Interlocked.Increment(ref _uses) == UsesBeforePromotion)
            {
                ThreadPool.UnsafeQueueUserWorkItem(static self => self.Promote(), this, preferLocal: false);
            }
            return _interpreted;
        }
    }

    /// <summary>
    /// <paramref name="run"/> on the current engine; when it times out on the interpreter, the pattern is promoted on
    /// this thread and <paramref name="run"/> is tried once on the linear engine. Throws
    /// <see cref="RegexMatchTimeoutException"/> when there is no linear engine or it times out as well.
    /// </summary>
    public TResult Run<TState, TResult>(TState state, Func<Regex, TState, TResult> run)
    {
        var engine = Current;
        try
        {
            return run(engine, state);
        }
        catch (RegexMatchTimeoutException) when (!ReferenceEquals(engine, _linear))
        {
            if (Promote() is not { } linear)
            {
                throw;
            }
            return run(linear, state);
        }
    }

    /// <summary>Promotes now, on the calling thread, if not done yet; returns the linear engine or null when it cannot run the pattern.</summary>
    public Regex? Promote()
    {
        if (_promoted)
        {
            return _linear;
        }
        lock (_promoting)
        {
            if (!_promoted)
            {
                var linear = TryBuildLinear(_interpreted.ToString());
                if (linear is null)
                {
                    _prefilter = RegexLookarounds.Remove(_interpreted.ToString()) is { } stripped ? TryBuildLinear(stripped) : null;
                }
                _linear = linear;
                _promoted = true;
            }
        }
        return _linear;
    }

    private Regex? TryBuildLinear(string pattern)
    {
        const RegexOptions Carried = RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Multiline | RegexOptions.Singleline;
        try
        {
            return new Regex(pattern, (_interpreted.Options & Carried) | RegexOptions.NonBacktracking, _interpreted.MatchTimeout);
        }
        catch (NotSupportedException)
        {
            // A lookaround, a backreference, an atomic group, or an automaton over the engine's size limit.
            return null;
        }
    }
}
