using System.Text.RegularExpressions;
using AgentOps.Guardrails.Policy;

namespace AgentOps.Guardrails.Injection;

/// <summary>
/// Every injection pattern joined into one non-backtracking automaton, used as an exact prefilter: text it does not
/// match matches no pattern (each pattern enters it without its lookarounds, which only ever narrow a match), so the
/// scan can stop there with score 0. Text it does match is screened pattern by pattern as before, so verdicts, scores
/// and reasons never depend on whether the automaton was used.
/// </summary>
/// <remarks>
/// One pass of the joined automaton over half a kilobyte of YAML takes about 4 µs, where the 24 patterns one by one
/// take about 50. But building it takes about a second of CPU, which a one-shot CLI command (a few dozen scans) must not
/// pay. So it is tiered, like the JIT: it is built on a background thread once a process has screened
/// <see cref="DefaultBuildAfterScans"/> texts, and used from then on; until it is ready, and if it cannot be built, the
/// patterns run one by one.
/// </remarks>
public sealed class InjectionAutomaton
{
    /// <summary>The scan on which a process counts as long-lived enough to be worth the build (0 or 1: the first).</summary>
    public const int DefaultBuildAfterScans = 1_000;

    // The engine refuses automata above 10,000 nodes by default, a guard against patterns that explode; the joined
    // patterns estimate at about 63,000 (their bounded gaps such as .{0,40} unrolled), built once per process.
    private const string MaxAutomataSizeKey = "REGEX_NONBACKTRACKING_MAX_AUTOMATA_SIZE";
    private const int MaxAutomataSize = 1_000_000;

    private readonly IReadOnlyList<PatternRule> _patterns;
    private readonly int _buildAfterScans;
    private readonly TaskCompletionSource<bool> _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _building = new();
    private volatile Regex? _automaton;
    private int _scans;

    public InjectionAutomaton(IReadOnlyList<PatternRule> patterns, int buildAfterScans = DefaultBuildAfterScans)
    {
        ArgumentNullException.ThrowIfNull(patterns);
        ArgumentOutOfRangeException.ThrowIfNegative(buildAfterScans);
        _patterns = patterns;
        _buildAfterScans = buildAfterScans;
        if (patterns.Count == 0)
        {
            _ready.TrySetResult(false);
        }
    }

    /// <summary>Completes when the automaton has been built (true) or could not be (false).</summary>
    public Task<bool> Ready => _ready.Task;

    /// <summary>
    /// True only when <paramref name="normalisedText"/> certainly matches no pattern. Counts the scan towards the
    /// build; false whenever the automaton is not ready or times out (the patterns then decide, as without it).
    /// </summary>
    public bool ProvesClean(string normalisedText)
    {
        if (_automaton is not { } automaton)
        {
            if (Interlocked.Increment(ref _scans) == Math.Max(1, _buildAfterScans))
            {
                _ = Task.Run(Build);
            }
            return false;
        }
        try
        {
            return !automaton.IsMatch(normalisedText);
        }
        catch (RegexMatchTimeoutException)
        {
            return false;
        }
    }

    /// <summary>Builds the automaton now, on the calling thread, if it is not built yet (tests and benchmarks).</summary>
    public bool BuildNow()
    {
        Build();
        return _automaton is not null;
    }

    private void Build()
    {
        lock (_building)
        {
            if (!_ready.Task.IsCompleted)
            {
                _ready.TrySetResult(TryBuild());
            }
        }
    }

    private bool TryBuild()
    {
        // The same moment suits the patterns' own promotion to the linear engine: a process that has screened this
        // much is long-lived, and the patterns run one by one on every text the automaton does not prove clean.
        foreach (var pattern in _patterns)
        {
            pattern.Promote();
        }
        // Joined under one set of options, the automaton is a superset of every pattern only if they all share it.
        const RegexOptions Shared = RegexOptions.IgnoreCase | RegexOptions.CultureInvariant;
        if (_patterns.Any(p => (p.Pattern.Options & ~RegexOptions.NonBacktracking) != Shared))
        {
            return false;
        }
        try
        {
            if (AppContext.GetData(MaxAutomataSizeKey) is null)
            {
                AppContext.SetData(MaxAutomataSizeKey, MaxAutomataSize);
            }
            var joined = string.Join('|', _patterns.Select(p => "(?:" + (RegexLookarounds.Remove(p.Pattern.ToString()) ?? p.Pattern.ToString()) + ")"));
            _automaton = new Regex(joined, Shared | RegexOptions.NonBacktracking, _patterns[0].Pattern.MatchTimeout);
            return true;
        }
        catch (Exception ex) when (ex is NotSupportedException or ArgumentException or OutOfMemoryException)
        {
            // A pattern the engine cannot join (a backreference, an atomic group) or an automaton too large: the
            // patterns keep running one by one, which is correct, only slower.
            return false;
        }
    }
}
