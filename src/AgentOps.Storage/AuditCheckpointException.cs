namespace AgentOps.Storage;

/// <summary>A checkpoint could not be signed or used because the log or the checkpoint file cannot be trusted.</summary>
public sealed class AuditCheckpointException(long? sequence, string message) : Exception(message)
{
    /// <summary>The first record the problem concerns, when there is one.</summary>
    public long? Sequence { get; } = sequence;
}
