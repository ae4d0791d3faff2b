namespace AgentOps.Core;

public interface IRunStore
{
    /// <summary>
    /// Stores a new run. Throws <see cref="DuplicateRunException"/> when a live run (planned, running, waiting or
    /// completed) already has the same dedup key: the check and the insert are one atomic step.
    /// </summary>
    Task CreateAsync(RunRecord run, CancellationToken cancellationToken = default);

    /// <summary>Moves the run from <paramref name="from"/> to <paramref name="to"/> only if it is still in <paramref name="from"/>; false when someone else moved it first.</summary>
    Task<bool> TryTransitionAsync(string id, RunStatus from, RunStatus to, DateTimeOffset at, CancellationToken cancellationToken = default);

    /// <summary>Replaces the mutable fields of the run (status, plan, step cursor, results, pull request, message).</summary>
    Task UpdateAsync(RunRecord run, CancellationToken cancellationToken = default);

    Task<RunRecord?> GetAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>Newest first.</summary>
    Task<IReadOnlyList<RunRecord>> ListAsync(int limit = 100, CancellationToken cancellationToken = default);

    /// <summary>A run with this dedup key that is not Failed, RolledBack, Refused or NeedsInput, if any.</summary>
    Task<RunRecord?> FindLiveByDedupKeyAsync(string dedupKey, CancellationToken cancellationToken = default);
}
