using AgentOps.Core;

namespace AgentOps.Storage;

/// <summary>
/// Walks audit records in stored sequence order and stops at the first one where the chain no longer holds.
/// A deleted record is reported at the record right after the gap: that is the first record whose link is broken,
/// and the problem text names the missing sequence numbers.
/// </summary>
internal sealed class AuditChainVerifier(AuditCheckpoint? expected)
{
    private long _lastSequence;
    private string _lastHash = AuditRecordJson.GenesisHash;
    private long _recordsChecked;

    /// <summary>Returns the failure to report, or null when the record continues the chain.</summary>
    public AuditVerification? Check(AuditRecord record)
    {
        _recordsChecked++;
        var sequence = record.Sequence;
        var expectedSequence = _lastSequence + 1;

        if (sequence < expectedSequence)
        {
            return Broken(sequence, $"record {sequence} is out of order: record {expectedSequence} was expected next");
        }
        if (sequence > expectedSequence)
        {
            var missing = sequence == expectedSequence + 1
                ? $"record {expectedSequence} is missing"
                : $"records {expectedSequence} to {sequence - 1} are missing";
            var where = _lastSequence == 0 ? $"the log starts at record {sequence}" : $"record {sequence} follows record {_lastSequence}";
            return Broken(sequence, $"{missing}: {where}");
        }

        var linked = string.Equals(record.PrevHash, _lastHash, StringComparison.Ordinal);
        var unchanged = string.Equals(AuditRecordJson.ComputeHash(record), record.Hash, StringComparison.Ordinal);
        var predecessor = _lastSequence == 0 ? "the genesis value" : $"the hash of record {_lastSequence}";
        if (!unchanged && !linked)
        {
            return Broken(sequence,
                $"record {sequence} was changed or moved: stored hash does not match its contents and its prev_hash does not match {predecessor}");
        }
        if (!unchanged)
        {
            return Broken(sequence, $"record {sequence} was changed: stored hash does not match its contents");
        }
        if (!linked)
        {
            return Broken(sequence,
                $"record {sequence} does not continue the chain: its prev_hash does not match {predecessor}, so records were removed, inserted or reordered");
        }
        if (expected is not null && sequence == expected.Sequence && !string.Equals(record.Hash, expected.Hash, StringComparison.Ordinal))
        {
            return Broken(sequence,
                $"record {sequence} does not match the checkpoint: the chain up to it was rewritten since the checkpoint was taken");
        }

        _lastSequence = sequence;
        _lastHash = record.Hash;
        return null;
    }

    /// <summary>For a row whose columns no longer parse; that can only come from editing the table directly.</summary>
    public AuditVerification Unreadable(long sequence, string reason)
    {
        _recordsChecked++;
        return Broken(sequence, $"record {sequence} was changed: its stored fields can no longer be read ({reason})");
    }

    /// <summary>Called after the last record; only a checkpoint can tell that records were cut off the end.</summary>
    public AuditVerification Finish()
    {
        if (expected is not null && expected.Sequence > _lastSequence)
        {
            var firstMissing = _lastSequence + 1;
            var missing = firstMissing == expected.Sequence
                ? $"record {firstMissing} was deleted"
                : $"records {firstMissing} to {expected.Sequence} were deleted";
            return Broken(firstMissing,
                $"the log was truncated: it ends at record {_lastSequence} but the checkpoint was taken at record {expected.Sequence}, so {missing}");
        }
        return new AuditVerification(Intact: true, RecordsChecked: _recordsChecked, FirstBadSequence: null, Problem: null);
    }

    private AuditVerification Broken(long sequence, string problem) =>
        new(Intact: false, RecordsChecked: _recordsChecked, FirstBadSequence: sequence, Problem: problem);
}
