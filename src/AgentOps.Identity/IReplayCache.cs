namespace AgentOps.Identity;

public interface IReplayCache
{
    /// <summary>
    /// Records <paramref name="jti"/> and returns true the first time; false when it was already used.
    /// The entry may be forgotten after <paramref name="expiresAt"/>, when the token is refused anyway.
    /// </summary>
    bool TryMarkUsed(string jti, DateTimeOffset expiresAt);
}
