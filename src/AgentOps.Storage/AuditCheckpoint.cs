namespace AgentOps.Storage;

/// <summary>
/// The head of the audit chain at some moment. Kept somewhere the database's owner cannot rewrite (a ticket, a SIEM,
/// a signed note), it lets <see cref="SqliteAuditLog.VerifyAsync(AuditCheckpoint, CancellationToken)"/> notice a
/// deleted tail or a chain rebuilt from scratch, which the hashes alone cannot reveal.
/// </summary>
/// <param name="Sequence">Sequence of the newest record, or 0 for an empty log.</param>
/// <param name="Hash">Hash of that record, or the genesis hash for an empty log.</param>
public sealed record AuditCheckpoint(long Sequence, string Hash);
