using System.Security.Cryptography;

namespace AgentOps.Storage.Tests;

public sealed class MerkleLevelsTests
{
    [Theory]
    [InlineData(1, 4096)]
    [InlineData(45, 4096)]
    [InlineData(45, 1)]
    [InlineData(1000, 2)]
    public void RootOf_EveryPrefix_IsTheRfc6962RootOfThoseLeaves(int leafCount, int parallelMinimumNodes)
    {
        var leaves = Enumerable.Range(0, leafCount).Select(i => MerkleTree.LeafHash(BitConverter.GetBytes(i))).ToArray();
        var tree = MerkleLevels.Build([.. leaves.SelectMany(l => l)], parallelMinimumNodes);
        var root = new byte[MerkleTree.HashSize];

        Assert.Equal(leafCount, tree.LeafCount);
        for (var size = 1; size <= leafCount; size++)
        {
            tree.RootOf(size, root);
            Assert.Equal(MerkleTree.RootHash(leaves[..size]), root);
        }
    }

    [Fact]
    public void RootOf_OneLeafChanged_ChangesEveryRootThatCoversIt_AndNoOther()
    {
        var leaves = Enumerable.Range(0, 64).Select(i => MerkleTree.LeafHash(BitConverter.GetBytes(i))).SelectMany(l => l).ToArray();
        var changed = leaves.ToArray();
        SHA256.HashData("other"u8, changed.AsSpan(20 * MerkleTree.HashSize, MerkleTree.HashSize));
        var before = MerkleLevels.Build(leaves, 1);
        var after = MerkleLevels.Build(changed, 1);
        var a = new byte[MerkleTree.HashSize];
        var b = new byte[MerkleTree.HashSize];

        for (var size = 1; size <= 64; size++)
        {
            before.RootOf(size, a);
            after.RootOf(size, b);
            Assert.Equal(size <= 20, a.SequenceEqual(b));
        }
    }

    [Fact]
    public void RootOf_OutsideTheTree_Throws()
    {
        var tree = MerkleLevels.Build(new byte[3 * MerkleTree.HashSize]);
        Assert.Throws<ArgumentOutOfRangeException>(() => tree.RootOf(0, new byte[MerkleTree.HashSize]));
        Assert.Throws<ArgumentOutOfRangeException>(() => tree.RootOf(4, new byte[MerkleTree.HashSize]));
    }
}
