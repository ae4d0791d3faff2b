using System.ComponentModel.DataAnnotations;

namespace AgentOps.Storage;

/// <summary>When signed audit checkpoints are made; bound from <see cref="SectionName"/>.</summary>
public sealed class AuditCheckpointOptions
{
    public const string SectionName = "AgentOps:Audit:Checkpoints";

    /// <summary>Sign a checkpoint whenever the record count reaches a multiple of this.</summary>
    /// <value>100: a tampered record is at most 99 records away from a signed root, and signing costs one ES256 signature per 100 appends.</value>
    [Range(1, 1_000_000)]
    public int Interval { get; set; } = 100;
}
