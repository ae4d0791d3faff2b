namespace AgentOps.Guardrails.Policy;

/// <summary>
/// When a regex that starts on the backtracking interpreter moves to the linear engine: once, under a lock; on the
/// calling thread before it reads long text; in the background after enough uses. The injection and secret patterns
/// (<see cref="TieredPattern"/>) and the quoted-mention rule (<c>QuotedMentions</c>) share it and differ only in what
/// <c>build</c> puts on the linear engine.
/// </summary>
internal sealed class PromotionSchedule(Action build, bool alreadyDone = false)
{
    /// <summary>Uses after which promotion runs in the background.</summary>
    public const int UsesBeforePromotion = 1_000;

    /// <summary>Text at least this long is read after promoting, on the calling thread.</summary>
    public const int PromoteAtLength = 4_096;

    private readonly Lock _lock = new();
    private volatile bool _done = alreadyDone;
    private int _uses;

    /// <summary>True once promotion has run (whether or not the linear engine could take what was built).</summary>
    public bool IsDone => _done;

    /// <summary>Promotes now when text of <paramref name="length"/> is long; true when promotion has run.</summary>
    public bool PromoteIfLong(int length)
    {
        if (_done)
        {
            return true;
        }
        if (length < PromoteAtLength)
        {
            return false;
        }
        PromoteNow();
        return true;
    }

    /// <summary>
    /// Counts one use on text of <paramref name="length"/>: promotes at once when the text is long, and queues promotion
    /// in the background at the <see cref="UsesBeforePromotion"/>-th use. True when promotion has run.
    /// </summary>
    public bool CountUse(int length)
    {
        if (PromoteIfLong(length))
        {
            return true;
        }
        if (Interlocked.Increment(ref _uses) == UsesBeforePromotion)
        {
            ThreadPool.UnsafeQueueUserWorkItem(static self => self.PromoteNow(), this, preferLocal: false);
        }
        return false;
    }

    /// <summary>Promotes now, on the calling thread, if not done yet; a caller that finds it running waits for it.</summary>
    public void PromoteNow()
    {
        if (_done)
        {
            return;
        }
        lock (_lock)
        {
            if (_done)
            {
                return;
            }
            try
            {
                build();
            }
            finally
            {
                // Even if the build threw: the regexes as given still answer, and no caller may wait for ever.
                _done = true;
            }
        }
    }
}
