using System.Runtime.Intrinsics.X86;
using System.Security.Cryptography;

namespace AgentOps.Storage.Tests;

public sealed class Sha256NodeBatchTests
{
    private const int Size = MerkleTree.HashSize;

    public static TheoryData<int, int> PathsAndCounts()
    {
        var data = new TheoryData<int, int>();
        foreach (var path in Enum.GetValues<Sha256NodePath>())
        {
            foreach (var count in new[] { 0, 1, 7, 8, 15, 16, 17, 33, 1000 })
            {
                data.Add((int)path, count);
            }
        }
        return data;
    }

    public static TheoryData<int> Paths() => [.. Enum.GetValues<Sha256NodePath>().Select(p => (int)p)];

    [Theory]
    [MemberData(nameof(PathsAndCounts))]
    public void HashPairs_RandomChildren_EveryNodeIsMerkleTreeNodeHash(int pathNumber, int count)
    {
        var path = (Sha256NodePath)pathNumber;
        if (!PathRunsHere(path))
        {
            return;
        }
        var children = new byte[2 * count * Size];
        new Random(6962 + count).NextBytes(children);
        var output = new byte[count * Size];

        Sha256NodeBatch.HashPairs(children, output, path);

        for (var i = 0; i < count; i++)
        {
            var expected = MerkleTree.NodeHash(children.AsSpan(2 * i * Size, Size), children.AsSpan(((2 * i) + 1) * Size, Size));
            Assert.True(expected.AsSpan().SequenceEqual(output.AsSpan(i * Size, Size)), $"{path}, {count} nodes: node {i} differs");
        }
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void HashPairs_ZerosAndOnes_IsSha256OfThePrefixedMessage(int pathNumber)
    {
        var path = (Sha256NodePath)pathNumber;
        if (!PathRunsHere(path))
        {
            return;
        }
        var message = new byte[1 + (2 * Size)];
        message[0] = 0x01;
        message.AsSpan(1 + Size).Fill(0xFF);
        var expected = SHA256.HashData(message);
        // 17 copies: a full set of lanes on every path, and one node for the tail.
        const int Count = 17;
        var children = new byte[2 * Count * Size];
        for (var i = 0; i < Count; i++)
        {
            message.AsSpan(1).CopyTo(children.AsSpan(2 * i * Size));
        }
        var output = new byte[Count * Size];

        Sha256NodeBatch.HashPairs(children, output, path);

        for (var i = 0; i < Count; i++)
        {
            Assert.Equal(expected, output.AsSpan(i * Size, Size).ToArray());
        }
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void HashPairs_OneInputBitFlipped_ChangesThatNodeOnly(int pathNumber)
    {
        var path = (Sha256NodePath)pathNumber;
        if (!PathRunsHere(path))
        {
            return;
        }
        const int Count = 33;
        var children = new byte[2 * Count * Size];
        new Random(520).NextBytes(children);
        var before = new byte[Count * Size];
        Sha256NodeBatch.HashPairs(children, before, path);

        // Every byte position of a pair (0-63, so both blocks' message words), in nodes spread over lanes and the tail.
        var random = new Random(65);
        for (var position = 0; position < 2 * Size; position++)
        {
            var node = random.Next(Count);
            var bit = random.Next(8);
            var flipped = children.ToArray();
            flipped[(2 * node * Size) + position] ^= (byte)(1 << bit);
            var after = new byte[Count * Size];

            Sha256NodeBatch.HashPairs(flipped, after, path);

            for (var i = 0; i < Count; i++)
            {
                var same = before.AsSpan(i * Size, Size).SequenceEqual(after.AsSpan(i * Size, Size));
                Assert.True(same == (i != node), $"{path}: byte {position} bit {bit} of node {node} flipped, node {i} {(same ? "unchanged" : "changed")}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(PathsAndCounts))]
    public void HashLeaves_RandomChainHashes_EveryLeafIsSha256OfZeroAndTheHash(int pathNumber, int count)
    {
        var path = (Sha256NodePath)pathNumber;
        if (!PathRunsHere(path))
        {
            return;
        }
        var chainHashes = new byte[count * Size];
        new Random(33 + count).NextBytes(chainHashes);
        var output = new byte[count * Size];

        Sha256NodeBatch.HashLeaves(chainHashes, output, path);

        for (var i = 0; i < count; i++)
        {
            var expected = SHA256.HashData([0x00, .. chainHashes.AsSpan(i * Size, Size)]);
            Assert.True(expected.AsSpan().SequenceEqual(output.AsSpan(i * Size, Size)), $"{path}, {count} leaves: leaf {i} differs");
            Assert.Equal(expected, MerkleTree.LeafHash(chainHashes.AsSpan(i * Size, Size)));
        }
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void HashLeaves_KnownVectors_MatchAnIndependentSha256(int pathNumber)
    {
        var path = (Sha256NodePath)pathNumber;
        if (!PathRunsHere(path))
        {
            return;
        }
        // Computed with Python's hashlib: sha256(b"\x00" + leaf) for 32 zero bytes, bytes 0..31, and sha256(b"abc").
        (byte[] Leaf, string Hash)[] vectors =
        [
            (new byte[Size], "7f9c9e31ac8256ca2f258583df262dbc7d6f68f2a03043d5c99a4ae5a7396ce9"),
            (Enumerable.Range(0, Size).Select(i => (byte)i).ToArray(), "699cacdb4c39d8e0bb1223352765a7f7acdc51dec6694f7b54c3d0a47f0cc409"),
            (SHA256.HashData("abc"u8), "8a7deab2cc5ee003b6394337538a52b3198f1a6ddeb10c7daf62fe1c9834b43b"),
        ];
        // 17 leaves cycling through the vectors: a full set of lanes on every path, and one leaf for the tail.
        const int Count = 17;
        var chainHashes = new byte[Count * Size];
        for (var i = 0; i < Count; i++)
        {
            vectors[i % vectors.Length].Leaf.CopyTo(chainHashes.AsSpan(i * Size));
        }
        var output = new byte[Count * Size];

        Sha256NodeBatch.HashLeaves(chainHashes, output, path);

        for (var i = 0; i < Count; i++)
        {
            Assert.Equal(vectors[i % vectors.Length].Hash, Convert.ToHexStringLower(output.AsSpan(i * Size, Size)));
        }
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void HashLeaves_OneInputBitFlipped_ChangesThatLeafOnly(int pathNumber)
    {
        var path = (Sha256NodePath)pathNumber;
        if (!PathRunsHere(path))
        {
            return;
        }
        const int Count = 33;
        var chainHashes = new byte[Count * Size];
        new Random(264).NextBytes(chainHashes);
        var before = new byte[Count * Size];
        Sha256NodeBatch.HashLeaves(chainHashes, before, path);

        // Every byte position of a hash (so every message word, and the byte carried into word 8), in leaves spread over lanes and the tail.
        var random = new Random(33);
        for (var position = 0; position < Size; position++)
        {
            var leaf = random.Next(Count);
            var bit = random.Next(8);
            var flipped = chainHashes.ToArray();
            flipped[(leaf * Size) + position] ^= (byte)(1 << bit);
            var after = new byte[Count * Size];

            Sha256NodeBatch.HashLeaves(flipped, after, path);

            for (var i = 0; i < Count; i++)
            {
                var same = before.AsSpan(i * Size, Size).SequenceEqual(after.AsSpan(i * Size, Size));
                Assert.True(same == (i != leaf), $"{path}: byte {position} bit {bit} of leaf {leaf} flipped, leaf {i} {(same ? "unchanged" : "changed")}");
            }
        }
    }

    [Fact]
    public void HashLeaves_MismatchedLengths_Throws()
    {
        Assert.Throws<ArgumentException>(() => Sha256NodeBatch.HashLeaves(new byte[2 * Size], new byte[Size]));
        Assert.Throws<ArgumentException>(() => Sha256NodeBatch.HashLeaves(new byte[Size + 1], new byte[Size + 1]));
    }

    [Fact]
    public void HashPairs_MismatchedLengths_Throws()
    {
        Assert.Throws<ArgumentException>(() => Sha256NodeBatch.HashPairs(new byte[2 * Size], new byte[2 * Size]));
        Assert.Throws<ArgumentException>(() => Sha256NodeBatch.HashPairs(new byte[(2 * Size) + 2], new byte[Size + 1]));
    }

    [Fact]
    public void BestPath_IsTheWidestSupported()
    {
        var expected = Avx512F.IsSupported ? Sha256NodePath.Vector512 : Avx2.IsSupported ? Sha256NodePath.Vector256 : Sha256NodePath.Scalar;
        Assert.Equal(expected, Sha256NodeBatch.BestPath);
    }

    /// <summary>
    /// Whether the path's instructions exist on this machine. When they do not, that is asserted (the ISA flag is false,
    /// and forcing the path throws rather than computing something) before the caller returns early.
    /// </summary>
    private static bool PathRunsHere(Sha256NodePath path)
    {
        var isaSupported = path switch
        {
            Sha256NodePath.Vector512 => Avx512F.IsSupported,
            Sha256NodePath.Vector256 => Avx2.IsSupported,
            _ => true,
        };
        Assert.Equal(isaSupported, Sha256NodeBatch.IsSupported(path));
        if (!isaSupported)
        {
            Assert.False(Sha256NodeBatch.IsSupported(path));
            Assert.Throws<PlatformNotSupportedException>(() => Sha256NodeBatch.HashPairs(new byte[2 * Size], new byte[Size], path));
            Assert.Throws<PlatformNotSupportedException>(() => Sha256NodeBatch.HashLeaves(new byte[Size], new byte[Size], path));
        }
        return isaSupported;
    }
}
