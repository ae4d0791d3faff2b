using System.Numerics;

namespace AgentOps.Storage;

/// <summary>
/// The right edge of an RFC 6962 tree: one hash per perfect subtree, largest first (one per set bit of the size).
/// Appending a leaf costs O(log n) and the root of the tree so far can be taken at any moment, so checkpoints are
/// signed after reading only the records appended since the last one.
/// </summary>
public sealed class MerkleFrontier
{
    private readonly List<byte[]> _subtrees;

    public MerkleFrontier()
        : this(0, [])
    {
    }

    private MerkleFrontier(long size, List<byte[]> subtrees)
    {
        Size = size;
        _subtrees = subtrees;
    }

    /// <summary>Number of leaves appended so far.</summary>
    public long Size { get; private set; }

    /// <summary>The subtree hashes, largest (leftmost) first.</summary>
    public IReadOnlyList<byte[]> Subtrees => _subtrees;

    /// <summary>Rebuilds a frontier saved from <see cref="Subtrees"/>; the caller must still check its root against a trusted one.</summary>
    public static MerkleFrontier Restore(long size, IReadOnlyList<byte[]> subtrees)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(size);
        ArgumentNullException.ThrowIfNull(subtrees);
        if (subtrees.Count != BitOperations.PopCount((ulong)size) || subtrees.Any(s => s is not { Length: MerkleTree.HashSize }))
        {
            throw new InvalidDataException($"A frontier of a tree of {size} leaves has {BitOperations.PopCount((ulong)size)} hashes of {MerkleTree.HashSize} bytes.");
        }
        return new MerkleFrontier(size, subtrees.Select(s => s.ToArray()).ToList());
    }

    public void Append(byte[] leafHash)
    {
        ArgumentNullException.ThrowIfNull(leafHash);
        var node = leafHash;
        // Each trailing zero of the new size is a pair of equal perfect subtrees that now merge, like a binary carry.
        for (var merges = BitOperations.TrailingZeroCount((ulong)(Size + 1)); merges > 0; merges--)
        {
            node = MerkleTree.NodeHash(_subtrees[^1], node);
            _subtrees.RemoveAt(_subtrees.Count - 1);
        }
        _subtrees.Add(node);
        Size++;
    }

    /// <summary>MTH of the leaves so far: the subtrees folded right to left, which is exactly RFC 6962's shape.</summary>
    public byte[] Root()
    {
        if (_subtrees.Count == 0)
        {
            return MerkleTree.EmptyRoot();
        }
        var root = _subtrees[^1];
        for (var i = _subtrees.Count - 2; i >= 0; i--)
        {
            root = MerkleTree.NodeHash(_subtrees[i], root);
        }
        return root;
    }
}
