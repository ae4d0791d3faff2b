namespace AgentOps.Core;

public interface IRunStore
{
    Task CreateAsync(RunRecord run, CancellationToken cancellationToken = default);

    /// <summary>Replaces the mutable fields of the run (status, plan, step cursor, results, pull request, message).</summary>
    Task UpdateAsync(RunRecord run, CancellationToken cancellationToken = default);

    Task<RunRecord?> GetAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>Newest first.</summary>
    Task<IReadOnlyList<RunRecord>> ListAsync(int limit = 100, CancellationToken cancellationToken = default);

    /// <summary>A run with this dedup key that is not Failed, RolledBack, Refused or NeedsInput, if any.</summary>
    Task<RunRecord?> FindLiveByDedupKeyAsync(string dedupKey, CancellationToken cancellationToken = default);
}
