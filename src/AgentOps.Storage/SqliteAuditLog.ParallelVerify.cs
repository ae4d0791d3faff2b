using System.Text;
using AgentOps.Core;

namespace AgentOps.Storage;

/// <summary>
/// Verifying a long, intact log on every core. The sequence range is cut into contiguous parts, each read on its own
/// connection and checked on its own thread (contiguous sequences, links inside the part, each stored hash against its
/// contents, the unsigned checkpoint's hash where it falls, and each record's Merkle leaves while signed
/// checkpoints lie ahead: for format 2 the record's chain hash, just checked, hashed as a leaf in batches; for format 1,
/// only as far as the largest format 1 checkpoint, the exported line hashed once more). Then the seams, on one thread (each part's first record must link to the previous part's
/// last), and the signed checkpoints on every core (the Merkle tree's levels built from the leaves, then at each
/// checkpoint's size its root and head hash compared). This path can only answer "intact". Anything it is not sure of,
/// from a bad record to a row the raw reader declines, sends the whole log to the sequential walk, which finds and
/// names the first bad record exactly as before.
/// </summary>
public sealed partial class SqliteAuditLog
{
    private const int LeafSize = MerkleTree.HashSize;

    /// <summary>Logs shorter than this are walked sequentially: the parts' connections and threads would cost more than they save.</summary>
    internal int ParallelVerifyMinimumRecords { get; init; } = 100_000;

    /// <summary>How many parts a long log is cut into; the machine's cores by default.</summary>
    internal int ParallelVerifyParts { get; init; } = Math.Clamp(Environment.ProcessorCount, 1, 8);

    /// <param name="expected">The unsigned checkpoint the log must reach and match, if any.</param>
    /// <param name="signed">Signed checkpoints whose signatures were already checked, smallest tree first.</param>
    internal async Task<AuditVerification?> TryVerifyInParallelAsync(
        AuditCheckpoint? expected, CancellationToken cancellationToken, IReadOnlyList<SignedAuditCheckpoint>? signed = null)
    {
        signed ??= [];
        if (ParallelVerifyParts < 2)
        {
            return null;
        }
        var (first, last) = await SequenceBoundsAsync(cancellationToken).ConfigureAwait(false);
        // The sequential walk reports a log that does not start at 1, and one cut below a checkpoint.
        var treeSize = signed.Count > 0 ? signed[^1].TreeSize : 0;
        if (first != 1 || last < ParallelVerifyMinimumRecords || (expected is not null && expected.Sequence > last) || treeSize > last)
        {
            return null;
        }
        var leaves = new MerkleLeaves(
            new byte[checked((int)(LargestTree(signed, SignedAuditCheckpoint.LineLeafVersion) * LeafSize))],
            new byte[checked((int)(LargestTree(signed, SignedAuditCheckpoint.ChainHashLeafVersion) * LeafSize))]);
        var checkpointSizes = signed.Select(c => c.TreeSize).ToHashSet();
        var size = (last + ParallelVerifyParts - 1) / ParallelVerifyParts;
        var parts = Enumerable.Range(0, ParallelVerifyParts)
            .Select(i => (From: 1 + (i * size), To: Math.Min(last, (i + 1) * size)))
            .Where(p => p.From <= p.To)
            .Select(p => Task.Run(() => VerifyPart(new PartToVerify(p.From, p.To, expected, treeSize, leaves, checkpointSizes), cancellationToken), cancellationToken))
            .ToArray();
        var results = await Task.WhenAll(parts).ConfigureAwait(false);
        var previousHash = Encoding.UTF8.GetBytes(AuditRecordJson.GenesisHash);
        var headHashes = new Dictionary<long, byte[]>();
        foreach (var part in results)
        {
            if (part is null || !part.FirstPrevHash.AsSpan().SequenceEqual(previousHash))
            {
                return null;
            }
            previousHash = part.LastHash;
            foreach (var (sequence, hash) in part.CheckpointHashes)
            {
                headHashes[sequence] = hash;
            }
        }
        return SignedCheckpointsHold(signed, leaves, headHashes)
            ? new AuditVerification(Intact: true, RecordsChecked: last, FirstBadSequence: null, Problem: null)
            : null;
    }

    private static long LargestTree(IReadOnlyList<SignedAuditCheckpoint> signed, int version) =>
        signed.Where(c => c.Version == version).Select(c => c.TreeSize).DefaultIfEmpty(0).Max();

    private static bool SignedCheckpointsHold(IReadOnlyList<SignedAuditCheckpoint> signed, MerkleLeaves leaves, Dictionary<long, byte[]> headHashes)
    {
        if (signed.Count == 0)
        {
            return true;
        }
        var lineTree = leaves.Line.Length > 0 ? MerkleLevels.Build(leaves.Line) : null;
        var chainHashTree = leaves.ChainHash.Length > 0 ? MerkleLevels.Build(leaves.ChainHash) : null;
        var holds = true;
        Parallel.For(0, signed.Count, () => new byte[LeafSize], (i, loop, root) =>
        {
            var checkpoint = signed[i];
            if (checkpoint.TreeSize < 1)
            {
                holds = false;
                loop.Stop();
                return root;
            }
            (checkpoint.LeavesAreChainHashes ? chainHashTree : lineTree)!.RootOf(checkpoint.TreeSize, root);
            if (!headHashes.TryGetValue(checkpoint.TreeSize, out var head) || !head.AsSpan().SequenceEqual(Encoding.UTF8.GetBytes(checkpoint.HeadHash)) ||
                !string.Equals(Convert.ToHexStringLower(root), checkpoint.RootHash, StringComparison.Ordinal))
            {
                holds = false;
                loop.Stop();
            }
            return root;
        }, _ => { });
        return holds;
    }

    private async Task<(long First, long Last)> SequenceBoundsAsync(CancellationToken cancellationToken)
    {
        var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var command = connection.CreateCommand();
            // sequence is the rowid: both ends come from the b-tree's edges, not a scan.
            command.CommandText = "SELECT MIN(sequence), MAX(sequence) FROM audit_log;";
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) && !reader.IsDBNull(0)
                    ? (reader.GetInt64(0), reader.GetInt64(1))
                    : (0, 0);
            }
        }
    }

    /// <summary>
    /// Checks one part with the chain verifier's own fast path (<see cref="AuditChainVerifier.TryAccept"/>: next
    /// sequence, link, stored hash), started from the part's first link; null as soon as anything is not certainly intact.
    /// </summary>
    private PartVerified? VerifyPart(PartToVerify part, CancellationToken cancellationToken)
    {
        using var connection = database.OpenConnection();
        using (var mmap = connection.CreateCommand())
        {
            // Pages read through a memory map instead of a read() and a copy each: the scan is bound by moving 1.3 GB.
            mmap.CommandText = "PRAGMA mmap_size = 2147418112;";
            mmap.ExecuteNonQuery();
        }
        using var command = SelectRange(connection, part.From, part.To);
        using var reader = command.ExecuteReader();
        AuditChainVerifier? chain = null;
        byte[]? firstPrevHash = null;
        var expected = part.Expected;
        var expectedHash = expected is not null && expected.Sequence >= part.From && expected.Sequence <= part.To
            ? Encoding.UTF8.GetBytes(expected.Hash)
            : null;
        var checkpointHashes = new List<(long, byte[])>();
        var chainHashLeaves = new ChainHashLeafBatch(part.Leaves.ChainHash);
        while (reader.Read())
        {
            if (!AuditLogRows.TryReadRaw(reader, out var row))
            {
                return null;
            }
            if (chain is null)
            {
                // Whether this first link is right is the seam's question, answered once every part is back.
                firstPrevHash = row.PrevHash.ToArray();
                chain = AuditChainVerifier.ContinuingFrom(new AuditCheckpoint(part.From - 1, Encoding.UTF8.GetString(firstPrevHash)));
            }
            if ((row.Sequence & 0xFFFF) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }
            if (!chain.TryAccept(row) || (expectedHash is not null && row.Sequence == expected!.Sequence && !row.Hash.SequenceEqual(expectedHash)))
            {
                return null;
            }
            if (row.Sequence <= part.TreeSize)
            {
                if (row.Sequence <= part.Leaves.Line.Length / LeafSize &&
                    !AuditRecordJson.TryRawLeafHash(row, part.Leaves.Line.AsSpan(checked((int)((row.Sequence - 1) * LeafSize)), LeafSize)))
                {
                    return null;
                }
                if (row.Sequence <= part.Leaves.ChainHash.Length / LeafSize && !chainHashLeaves.TryAdd(row.Sequence, row.Hash))
                {
                    return null;
                }
                if (part.CheckpointSizes.Contains(row.Sequence))
                {
                    checkpointHashes.Add((row.Sequence, row.Hash.ToArray()));
                }
            }
        }
        chainHashLeaves.Flush();
        return chain is { LastSequence: var reached } && reached == part.To
            ? new PartVerified(firstPrevHash!, chain.LastHashUtf8.ToArray(), checkpointHashes)
            : null;
    }

    /// <param name="Leaves">Every part writes the leaf hashes of its own records (up to <paramref name="TreeSize"/>) into its own slices.</param>
    private sealed record PartToVerify(long From, long To, AuditCheckpoint? Expected, long TreeSize, MerkleLeaves Leaves, HashSet<long> CheckpointSizes);

    /// <summary>Leaf hashes of both formats, 32 bytes each from record 1, each as long as the largest checkpoint of its format.</summary>
    private sealed record MerkleLeaves(byte[] Line, byte[] ChainHash);

    /// <summary>
    /// Collects consecutive records' chain hashes, as bytes, and hashes them into format 2 leaves a few thousand at a time
    /// with <see cref="Sha256NodeBatch.HashLeaves(ReadOnlySpan{byte}, Span{byte})"/>, into the leaves' own places.
    /// </summary>
    private sealed class ChainHashLeafBatch(byte[] leaves)
    {
        private const int Capacity = 4096;
        private readonly byte[] _chainHashes = new byte[Capacity * LeafSize];
        private long _firstSequence;
        private int _count;

        /// <summary>Adds the stored hash (UTF-8 "sha256:" and hex) of record <paramref name="sequence"/>; false if it is no such hash.</summary>
        public bool TryAdd(long sequence, ReadOnlySpan<byte> storedHash)
        {
            if (_count > 0 && sequence != _firstSequence + _count)
            {
                Flush();
            }
            if (_count == 0)
            {
                _firstSequence = sequence;
            }
            if (!AuditRecordJson.TryChainHashBytes(storedHash, _chainHashes.AsSpan(_count * LeafSize, LeafSize)))
            {
                return false;
            }
            if (++_count == Capacity)
            {
                Flush();
            }
            return true;
        }

        public void Flush()
        {
            if (_count > 0)
            {
                Sha256NodeBatch.HashLeaves(
                    _chainHashes.AsSpan(0, _count * LeafSize), leaves.AsSpan(checked((int)((_firstSequence - 1) * LeafSize)), _count * LeafSize));
                _count = 0;
            }
        }
    }

    private sealed record PartVerified(byte[] FirstPrevHash, byte[] LastHash, IReadOnlyList<(long Sequence, byte[] Hash)> CheckpointHashes);
}
