using AgentOps.Core;

namespace AgentOps.Storage;

/// <summary>
/// Walks audit records in stored sequence order and stops at the first one where the chain no longer holds.
/// A deleted record is reported at the record right after the gap: that is the first record whose link is broken,
/// and the problem text names the missing sequence numbers.
/// </summary>
/// <param name="signed">Signed checkpoints, smallest tree first, whose signatures were already checked.</param>
internal sealed class AuditChainVerifier(AuditCheckpoint? expected, IReadOnlyList<SignedAuditCheckpoint>? signed = null)
{
    private readonly IReadOnlyList<SignedAuditCheckpoint> _signed = signed ?? [];
    // One tree per leaf format: a log's checkpoints may be format 1 up to some size and format 2 after it. Each is fed
    // only as far as the largest checkpoint of its format, so format 1's second pass over the records stops there.
    private readonly MerkleFrontier _lineLeaves = new();
    private readonly MerkleFrontier _chainHashLeaves = new();
    private readonly long _lineLeavesUpTo = LargestTree(signed, SignedAuditCheckpoint.LineLeafVersion);
    private readonly long _chainHashLeavesUpTo = LargestTree(signed, SignedAuditCheckpoint.ChainHashLeafVersion);
    private int _nextSigned;
    private long _lastMatchedSigned;
    private long _lastSequence;
    // The previous record's hash as stored (UTF-8); the string form only when the record path needs it.
    private byte[] _lastHashUtf8 = System.Text.Encoding.UTF8.GetBytes(AuditRecordJson.GenesisHash);
    private string? _lastHash = AuditRecordJson.GenesisHash;
    private long _recordsChecked;

    private string LastHash => _lastHash ??= System.Text.Encoding.UTF8.GetString(_lastHashUtf8);

    /// <summary>The sequence of the last record accepted (or of the checkpoint the verifier continues from).</summary>
    public long LastSequence => _lastSequence;

    /// <summary>The stored hash of that record, as UTF-8.</summary>
    public ReadOnlySpan<byte> LastHashUtf8 => _lastHashUtf8;

    /// <summary>
    /// A verifier that takes <paramref name="from"/> as already verified: the next record must be the one after it and
    /// link to its hash. For checking only what was appended since a checkpoint.
    /// </summary>
    public static AuditChainVerifier ContinuingFrom(AuditCheckpoint from)
    {
        ArgumentNullException.ThrowIfNull(from);
        return new AuditChainVerifier(expected: null)
        {
            _lastSequence = from.Sequence,
            _lastHash = from.Hash,
            _lastHashUtf8 = System.Text.Encoding.UTF8.GetBytes(from.Hash),
        };
    }

    /// <summary>
    /// The fast path for a long log: accepts the row when it is the next sequence, links to the previous hash, hashes
    /// to its stored hash, and no checkpoint is due at it, which is exactly when <see cref="Check"/> would return null.
    /// Returns false, having changed nothing, in every other case; the caller then reads the record and calls Check.
    /// </summary>
    public bool TryAccept(scoped in RawAuditRow row)
    {
        var sequence = row.Sequence;
        if (sequence != _lastSequence + 1 || _nextSigned < _signed.Count || (expected is not null && sequence == expected.Sequence) ||
            !row.PrevHash.SequenceEqual(_lastHashUtf8) || !AuditRecordJson.RawHashMatches(row))
        {
            return false;
        }
        _recordsChecked++;
        _lastSequence = sequence;
        if (_lastHashUtf8.Length == row.Hash.Length)
        {
            row.Hash.CopyTo(_lastHashUtf8);
        }
        else
        {
            _lastHashUtf8 = row.Hash.ToArray();
        }
        _lastHash = null;
        return true;
    }

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

        var linked = string.Equals(record.PrevHash, LastHash, StringComparison.Ordinal);
        var unchanged = AuditRecordJson.HashMatches(record);
        if (unchanged && linked && !(expected is not null && sequence == expected.Sequence))
        {
            return CheckSigned(record) is { } signedFailure ? signedFailure : Advance(record);
        }
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
        if (CheckSigned(record) is { } failure)
        {
            return failure;
        }
        return Advance(record);
    }

    private AuditVerification? Advance(AuditRecord record)
    {
        _lastSequence = record.Sequence;
        _lastHash = record.Hash;
        _lastHashUtf8 = System.Text.Encoding.UTF8.GetBytes(record.Hash);
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
        if (_signed.Count > 0 && _signed[^1].TreeSize > _lastSequence)
        {
            var covered = _signed[^1].TreeSize;
            return Broken(_lastSequence + 1,
                $"the log was truncated: it ends at record {_lastSequence} but a signed checkpoint covers {covered} records, so records {_lastSequence + 1} to {covered} were deleted");
        }
        return new AuditVerification(Intact: true, RecordsChecked: _recordsChecked, FirstBadSequence: null, Problem: null);
    }

    /// <summary>
    /// Feeds the Merkle tree until the last signed checkpoint is passed, and compares head hash and root at each one.
    /// The chain already held, so a mismatch means the chain was rebuilt after that checkpoint was signed: the changed
    /// record lies after the previous checkpoint that matched, and no later than this one.
    /// </summary>
    private AuditVerification? CheckSigned(AuditRecord record)
    {
        if (_nextSigned >= _signed.Count)
        {
            return null;
        }
        if (record.Sequence <= _lineLeavesUpTo)
        {
            _lineLeaves.Append(AuditRecordJson.LeafHash(record));
        }
        if (record.Sequence <= _chainHashLeavesUpTo)
        {
            // The record's hash was just found to match its contents, so it is well formed.
            _chainHashLeaves.Append(AuditRecordJson.ChainHashLeafHash(record.Hash));
        }
        if (record.Sequence != _signed[_nextSigned].TreeSize)
        {
            return null;
        }
        // Checkpoints of both formats may sign the same size; each is compared with its own tree.
        for (; _nextSigned < _signed.Count && _signed[_nextSigned].TreeSize == record.Sequence; _nextSigned++)
        {
            var due = _signed[_nextSigned];
            var tree = due.LeavesAreChainHashes ? _chainHashLeaves : _lineLeaves;
            if (!string.Equals(record.Hash, due.HeadHash, StringComparison.Ordinal) ||
                !string.Equals(Convert.ToHexStringLower(tree.Root()), due.RootHash, StringComparison.Ordinal))
            {
                var range = _lastMatchedSigned + 1 == record.Sequence ? $"record {record.Sequence}" : $"one of records {_lastMatchedSigned + 1} to {record.Sequence}";
                return Broken(record.Sequence,
                    $"record {record.Sequence} does not match the checkpoint signed at {StorageTime.Format(due.Time)} with key '{due.KeyId}': {range} was changed and the chain re-hashed after it was signed");
            }
        }
        _lastMatchedSigned = record.Sequence;
        return null;
    }

    private static long LargestTree(IReadOnlyList<SignedAuditCheckpoint>? signed, int version) =>
        signed?.Where(c => c.Version == version).Select(c => c.TreeSize).DefaultIfEmpty(0).Max() ?? 0;

    private AuditVerification Broken(long sequence, string problem) =>
        new(Intact: false, RecordsChecked: _recordsChecked, FirstBadSequence: sequence, Problem: problem);
}
