using AgentOps.Identity;
using AgentOps.Storage;

namespace AgentOps.Tools.Hosting;

/// <summary>
/// Single use across processes: the orchestrator starts fresh tool servers for every command, so an in-memory cache
/// alone would accept a token captured from one process in the next.
/// </summary>
public sealed class PersistentReplayCache(SqliteUsedCredentials usedCredentials) : IReplayCache
{
    public bool TryMarkUsed(string jti, DateTimeOffset expiresAt) => usedCredentials.TryRecord(jti, expiresAt);
}
