using System.Numerics;
using System.Security.Cryptography;

namespace AgentOps.Storage;

/// <summary>
/// Every complete, aligned subtree of an RFC 6962 tree, level by level: level 0 is the leaf hashes, and node i of level
/// j + 1 is the hash of nodes 2i and 2i + 1 of level j. A level's nodes do not depend on each other, so each level is
/// built on every core; and the root of the first n leaves, for any n, is then a fold of one node per set bit of n
/// (the same subtrees <see cref="MerkleFrontier"/> keeps), so the roots of many checkpoints are taken independently
/// instead of by appending a million leaves one after another on one thread.
/// </summary>
internal sealed class MerkleLevels
{
    private const int Size = MerkleTree.HashSize;

    /// <summary>Levels with fewer nodes than this are hashed on the calling thread.</summary>
    private const int ParallelMinimumNodes = 4096;

    private readonly byte[][] _levels;

    private MerkleLevels(byte[][] levels) => _levels = levels;

    /// <summary>Number of leaves.</summary>
    public long LeafCount => _levels[0].Length / Size;

    /// <param name="leafHashes">The leaf hashes, <see cref="MerkleTree.HashSize"/> bytes each, back to back (kept, not copied).</param>
    public static MerkleLevels Build(byte[] leafHashes, int parallelMinimumNodes = ParallelMinimumNodes)
    {
        ArgumentNullException.ThrowIfNull(leafHashes);
        if (leafHashes.Length % Size != 0)
        {
            throw new ArgumentException($"Leaf hashes come {Size} bytes each.", nameof(leafHashes));
        }
        var levels = new List<byte[]> { leafHashes };
        for (var below = leafHashes; below.Length / Size >= 2;)
        {
            var level = new byte[below.Length / Size / 2 * Size];
            var nodes = level.Length / Size;
            var source = below;
            if (nodes < parallelMinimumNodes)
            {
                HashPairs(source, level, 0, nodes);
            }
            else
            {
                var workers = Environment.ProcessorCount;
                var chunk = (nodes + workers - 1) / workers;
                Parallel.For(0, workers, worker => HashPairs(source, level, worker * chunk, Math.Min(nodes, (worker + 1) * chunk)));
            }
            levels.Add(level);
            below = level;
        }
        return new MerkleLevels([.. levels]);
    }

    /// <summary>MTH of the first <paramref name="treeSize"/> leaves (1 ≤ treeSize ≤ <see cref="LeafCount"/>), into <paramref name="root"/>.</summary>
    public void RootOf(long treeSize, Span<byte> root)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(treeSize, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(treeSize, LeafCount);
        Span<byte> pair = stackalloc byte[1 + (2 * Size)];
        pair[0] = 0x01;
        // Right to left: the smallest subtree (lowest set bit) is the rightmost, and each larger one is its left sibling.
        var bits = (ulong)treeSize;
        var level = BitOperations.TrailingZeroCount(bits);
        Node(level, treeSize).CopyTo(root);
        for (bits &= bits - 1; bits != 0; bits &= bits - 1)
        {
            level = BitOperations.TrailingZeroCount(bits);
            Node(level, treeSize).CopyTo(pair[1..]);
            root[..Size].CopyTo(pair[(1 + Size)..]);
            SHA256.HashData(pair, root);
        }
    }

    // The subtree for set bit `level` of the size: the last complete block of 2^level leaves before the blocks of the lower bits.
    private ReadOnlySpan<byte> Node(int level, long treeSize) =>
        _levels[level].AsSpan(checked((int)(((treeSize >> level) - 1) * Size)), Size);

    private static void HashPairs(byte[] below, byte[] level, int from, int to)
    {
        // A worker past the last node (more workers than nodes) has nothing to do.
        if (to > from)
        {
            Sha256NodeBatch.HashPairs(below.AsSpan(2 * from * Size, 2 * (to - from) * Size), level.AsSpan(from * Size, (to - from) * Size));
        }
    }
}
