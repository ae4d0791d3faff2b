namespace AgentOps.Core;

/// <summary>Append-only, hash-chained audit log (guardrail layer 4).</summary>
public interface IAuditLog
{
    Task<AuditRecord> AppendAsync(AuditEntry entry, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<AuditRecord>> ReadAsync(long fromSequence = 1, long? toSequence = null, CancellationToken cancellationToken = default);

    /// <summary>Re-computes the chain; names the first record that was changed, deleted or moved.</summary>
    Task<AuditVerification> VerifyAsync(CancellationToken cancellationToken = default);
}

/// <param name="FirstBadSequence">The first sequence number at which the chain no longer holds; null when intact.</param>
public sealed record AuditVerification(bool Intact, long RecordsChecked, long? FirstBadSequence, string? Problem);
