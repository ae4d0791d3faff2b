using AgentOps.Core;

namespace AgentOps.Guardrails.Tests;

/// <summary>A fake audit log at the <see cref="IAuditLog"/> seam: keeps entries in a list, or fails every append when told to.</summary>
internal sealed class InMemoryAuditLog : IAuditLog
{
    private readonly List<AuditRecord> _records = [];

    public Exception? FailWith { get; set; }

    public IReadOnlyList<AuditEntry> Entries { get; private set; } = [];

    public Task<AuditRecord> AppendAsync(AuditEntry entry, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (FailWith is not null)
        {
            return Task.FromException<AuditRecord>(FailWith);
        }
        // A real log serialises the entry on append; copy the lists so later changes by the caller cannot reach the record.
        entry = entry with { DelegationChain = [.. entry.DelegationChain], Decisions = [.. entry.Decisions] };
        var record = new AuditRecord(
            _records.Count + 1,
            DateTimeOffset.UnixEpoch,
            entry.RunId,
            entry.Actor,
            entry.DelegationChain,
            entry.Action,
            entry.ArgumentDigest,
            entry.Decisions,
            entry.Outcome,
            entry.ResultDigest,
            "prev",
            "hash");
        _records.Add(record);
        Entries = [.. Entries, entry];
        return Task.FromResult(record);
    }

    public Task<IReadOnlyList<AuditRecord>> ReadAsync(long fromSequence = 1, long? toSequence = null, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<AuditRecord>>(_records.Where(r => r.Sequence >= fromSequence && (toSequence is null || r.Sequence <= toSequence)).ToArray());

    public Task<AuditVerification> VerifyAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult(new AuditVerification(true, _records.Count, null, null));
}
