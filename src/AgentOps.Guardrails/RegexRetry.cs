using System.Text.RegularExpressions;

namespace AgentOps.Guardrails;

/// <summary>
/// The one retry around a guardrail regex. On a loaded machine (a CI runner running test projects side by side) the
/// first match of a pattern in a fresh process, which builds its matcher, could alone exceed the timeout and refuse a
/// valid request or stop a run; the next attempt finds the matcher built. What a timeout means after the last attempt
/// is the caller's: the screen refuses, mention blanking screens the text in full.
/// </summary>
internal static class RegexRetry
{
    /// <summary>How many times a match is tried while it times out.</summary>
    public const int Attempts = 3;

    /// <summary>
    /// <paramref name="match"/> on <paramref name="state"/>, tried again while it times out, at most <see cref="Attempts"/>
    /// times; the last timeout propagates. State and a static lambda: no allocation on the per-call path.
    /// </summary>
    public static TResult Retried<TState, TResult>(TState state, Func<TState, TResult> match)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return match(state);
            }
            catch (RegexMatchTimeoutException) when (attempt < Attempts)
            {
                // Try again: the matcher is built now.
            }
        }
    }
}
