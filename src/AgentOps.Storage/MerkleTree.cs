using System.Buffers;
using System.Numerics;
using System.Security.Cryptography;

namespace AgentOps.Storage;

/// <summary>
/// Merkle tree hashing exactly as RFC 6962 §2.1 (and RFC 9162 §2.1) defines it, so any Certificate Transparency
/// tooling can check our roots and proofs: leaf = SHA-256(0x00 || data), node = SHA-256(0x01 || left || right), and a
/// tree of n leaves splits at the largest power of two smaller than n.
/// </summary>
public static class MerkleTree
{
    public const int HashSize = 32;

    /// <summary>The root of the empty tree: SHA-256 of nothing.</summary>
    public static byte[] EmptyRoot() => SHA256.HashData(ReadOnlySpan<byte>.Empty);

    public static byte[] LeafHash(ReadOnlySpan<byte> leaf)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(leaf.Length + 1);
        try
        {
            buffer[0] = 0x00;
            leaf.CopyTo(buffer.AsSpan(1));
            return SHA256.HashData(buffer.AsSpan(0, leaf.Length + 1));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public static byte[] NodeHash(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right)
    {
        if (left.Length != HashSize || right.Length != HashSize)
        {
            throw new ArgumentException($"Both children must be {HashSize}-byte hashes.");
        }
        Span<byte> buffer = stackalloc byte[1 + (2 * HashSize)];
        buffer[0] = 0x01;
        left.CopyTo(buffer[1..]);
        right.CopyTo(buffer[(1 + HashSize)..]);
        return SHA256.HashData(buffer);
    }

    /// <summary>The largest power of two strictly smaller than <paramref name="n"/> (n ≥ 2): RFC 6962's split point.</summary>
    public static long SplitPoint(long n)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 2);
        return 1L << (63 - BitOperations.LeadingZeroCount((ulong)(n - 1)));
    }

    /// <summary>MTH(D[n]) over leaf hashes already computed with <see cref="LeafHash"/>.</summary>
    public static byte[] RootHash(IReadOnlyList<byte[]> leafHashes)
    {
        ArgumentNullException.ThrowIfNull(leafHashes);
        return leafHashes.Count == 0 ? EmptyRoot() : Subtree(leafHashes, 0, leafHashes.Count);
    }

    /// <summary>PATH(m, D[n]) of RFC 6962 §2.1.1: the sibling hashes from the leaf up to the root.</summary>
    public static IReadOnlyList<byte[]> InclusionProof(IReadOnlyList<byte[]> leafHashes, long leafIndex)
    {
        ArgumentNullException.ThrowIfNull(leafHashes);
        ArgumentOutOfRangeException.ThrowIfNegative(leafIndex);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(leafIndex, leafHashes.Count);
        var path = new List<byte[]>();
        Path((int)leafIndex, 0, leafHashes.Count, leafHashes, path);
        return path;
    }

    /// <summary>
    /// The verification algorithm of RFC 9162 §2.1.3.2: true only when <paramref name="proof"/> leads from
    /// <paramref name="leafHash"/> at <paramref name="leafIndex"/> to <paramref name="rootHash"/> in a tree of
    /// <paramref name="treeSize"/> leaves, with no hash left over.
    /// </summary>
    public static bool VerifyInclusion(ReadOnlySpan<byte> leafHash, long leafIndex, long treeSize, IReadOnlyList<byte[]> proof, ReadOnlySpan<byte> rootHash)
    {
        ArgumentNullException.ThrowIfNull(proof);
        if (leafIndex < 0 || leafIndex >= treeSize || leafHash.Length != HashSize || rootHash.Length != HashSize)
        {
            return false;
        }
        var fn = leafIndex;
        var sn = treeSize - 1;
        var r = leafHash.ToArray();
        foreach (var p in proof)
        {
            if (sn == 0 || p is not { Length: HashSize })
            {
                return false;
            }
            if ((fn & 1) == 1 || fn == sn)
            {
                r = NodeHash(p, r);
                while ((fn & 1) == 0 && fn != 0)
                {
                    fn >>= 1;
                    sn >>= 1;
                }
            }
            else
            {
                r = NodeHash(r, p);
            }
            fn >>= 1;
            sn >>= 1;
        }
        return sn == 0 && CryptographicOperations.FixedTimeEquals(r, rootHash);
    }

    private static byte[] Subtree(IReadOnlyList<byte[]> leaves, int start, int count)
    {
        if (count == 1)
        {
            return leaves[start];
        }
        var k = (int)SplitPoint(count);
        return NodeHash(Subtree(leaves, start, k), Subtree(leaves, start + k, count - k));
    }

    private static void Path(int m, int start, int count, IReadOnlyList<byte[]> leaves, List<byte[]> path)
    {
        if (count == 1)
        {
            return;
        }
        var k = (int)SplitPoint(count);
        if (m < k)
        {
            Path(m, start, k, leaves, path);
            path.Add(Subtree(leaves, start + k, count - k));
        }
        else
        {
            Path(m - k, start + k, count - k, leaves, path);
            path.Add(Subtree(leaves, start, k));
        }
    }
}
