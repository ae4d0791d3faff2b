namespace AgentOps.Identity;

/// <summary>
/// Revocations held by one process: enough where every verifier lives in the process that revokes (tests, a single
/// orchestrator). Tool servers in other processes need the shared list in the database (<c>SqliteRevocations</c>).
/// </summary>
public sealed class InMemoryRevocationList(TimeProvider timeProvider) : IRevocationList
{
    private readonly Dictionary<(RevocationKind, string), Revocation> _revoked = [];
    private readonly Lock _gate = new();

    public bool RevokeJti(string jti, string reason) => Revoke(RevocationKind.Jti, jti, reason);

    public bool RevokeAgent(string subject, string reason) => Revoke(RevocationKind.Agent, subject, reason);

    public bool RevokeRun(string runId, string reason) => Revoke(RevocationKind.Run, runId, reason);

    public Revocation? FindRevocation(RevocationQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        lock (_gate)
        {
            if (_revoked.Count == 0)
            {
                return null;
            }
            foreach (var jti in query.Jtis)
            {
                if (_revoked.TryGetValue((RevocationKind.Jti, jti), out var revocation))
                {
                    return revocation;
                }
            }
            foreach (var subject in query.Subjects)
            {
                if (_revoked.TryGetValue((RevocationKind.Agent, subject), out var revocation))
                {
                    return revocation;
                }
            }
            return query.RunId is not null && _revoked.TryGetValue((RevocationKind.Run, query.RunId), out var run) ? run : null;
        }
    }

    private bool Revoke(RevocationKind kind, string value, string reason)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(value);
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        lock (_gate)
        {
            return _revoked.TryAdd((kind, value), new Revocation(kind, value, reason, timeProvider.GetUtcNow()));
        }
    }
}
