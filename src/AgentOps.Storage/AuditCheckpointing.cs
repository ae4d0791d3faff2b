using AgentOps.Identity;

namespace AgentOps.Storage;

/// <summary>What <see cref="SqliteAuditLog"/> needs to sign checkpoints: who signs, where they go, whom to trust, how often.</summary>
/// <param name="TrustedKeys">Keys that may have signed earlier checkpoints (the broker's JWKS, which keeps rotated-out keys for a while).</param>
/// <param name="Interval">A checkpoint is signed at every multiple of this many records.</param>
public sealed record AuditCheckpointing(AuditCheckpointSigner Signer, AuditCheckpointLog Store, JsonWebKeySet TrustedKeys, int Interval)
{
    public int Interval { get; } = Interval >= 1 ? Interval : throw new ArgumentOutOfRangeException(nameof(Interval), Interval, "The checkpoint interval must be at least 1.");
}
