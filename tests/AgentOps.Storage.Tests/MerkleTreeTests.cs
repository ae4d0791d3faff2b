using System.Security.Cryptography;

namespace AgentOps.Storage.Tests;

public sealed class MerkleTreeTests
{
    // The Certificate Transparency reference leaves and the RFC 6962 root of each prefix of them (sizes 1..8), as
    // published with certificate-transparency and transparency-dev/merkle.
    private static readonly byte[][] s_referenceLeaves =
    [
        [],
        [0x00],
        [0x10],
        [0x20, 0x21],
        [0x30, 0x31],
        [0x40, 0x41, 0x42, 0x43],
        [0x50, 0x51, 0x52, 0x53, 0x54, 0x55, 0x56, 0x57],
        Convert.FromHexString("606162636465666768696a6b6c6d6e6f"),
    ];

    private static readonly string[] s_referenceRoots =
    [
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    ];

    [Fact]
    public void RootHash_CertificateTransparencyVectors_MatchEveryPublishedRoot()
    {
        var leafHashes = s_referenceLeaves.Select(l => MerkleTree.LeafHash(l)).ToArray();

        for (var size = 1; size <= leafHashes.Length; size++)
        {
            Assert.Equal(s_referenceRoots[size - 1], Convert.ToHexStringLower(MerkleTree.RootHash(leafHashes[..size])));
        }
        Assert.Equal("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", Convert.ToHexStringLower(MerkleTree.RootHash([])));
    }

    [Theory]
    [InlineData(0, "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7,5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e,6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4")]
    [InlineData(5, "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b,ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0,d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7")]
    public void InclusionProof_CertificateTransparencyVectors_MatchPublishedPath(int index, string expected)
    {
        var leafHashes = s_referenceLeaves.Select(l => MerkleTree.LeafHash(l)).ToArray();

        var proof = MerkleTree.InclusionProof(leafHashes, index);

        Assert.Equal(expected.Split(','), proof.Select(Convert.ToHexStringLower));
        Assert.True(MerkleTree.VerifyInclusion(leafHashes[index], index, 8, proof, Convert.FromHexString(s_referenceRoots[7])));
    }

    [Fact]
    public void RootHash_Sizes1To70_AgreesWithIndependentReferenceAndFrontier()
    {
        var data = Leaves(70);
        var frontier = new MerkleFrontier();
        for (var size = 1; size <= data.Length; size++)
        {
            var leafHashes = data[..size].Select(d => MerkleTree.LeafHash(d)).ToArray();
            frontier.Append(leafHashes[^1]);

            var expected = ReferenceRoot(data[..size]);
            Assert.Equal(expected, MerkleTree.RootHash(leafHashes));
            Assert.Equal(expected, frontier.Root());
            Assert.Equal(size, frontier.Size);
        }
    }

    [Fact]
    public void VerifyInclusion_EveryLeafOfTreesOfSizes1To70_VerifiesAndRejectsWrongLeafIndexOrPath()
    {
        var data = Leaves(70);
        var all = data.Select(d => MerkleTree.LeafHash(d)).ToArray();
        for (var size = 1; size <= all.Length; size++)
        {
            var leafHashes = all[..size];
            var root = MerkleTree.RootHash(leafHashes);
            for (var index = 0; index < size; index++)
            {
                var proof = MerkleTree.InclusionProof(leafHashes, index);
                Assert.True(MerkleTree.VerifyInclusion(leafHashes[index], index, size, proof, root), $"leaf {index} of {size}");

                var otherLeaf = leafHashes[(index + 1) % size];
                if (size > 1)
                {
                    Assert.False(MerkleTree.VerifyInclusion(otherLeaf, index, size, proof, root), $"wrong leaf at {index} of {size}");
                    Assert.False(MerkleTree.VerifyInclusion(leafHashes[index], (index + 1) % size, size, proof, root), $"wrong index {index} of {size}");
                    var tampered = proof.Select(p => p.ToArray()).ToArray();
                    tampered[0][0] ^= 1;
                    Assert.False(MerkleTree.VerifyInclusion(leafHashes[index], index, size, tampered, root), $"tampered path {index} of {size}");
                    Assert.False(MerkleTree.VerifyInclusion(leafHashes[index], index, size, proof.Take(proof.Count - 1).ToArray(), root), $"short path {index} of {size}");
                }
                Assert.False(MerkleTree.VerifyInclusion(leafHashes[index], index, size, [.. proof, root], root), $"extra hash {index} of {size}");
                Assert.False(MerkleTree.VerifyInclusion(leafHashes[index], size, size, proof, root), $"index past the end {index} of {size}");
            }
        }
    }

    [Fact]
    public void Restore_SavedFrontier_ContinuesToTheSameRoots()
    {
        var leafHashes = Leaves(45).Select(d => MerkleTree.LeafHash(d)).ToArray();
        var original = new MerkleFrontier();
        foreach (var leaf in leafHashes[..29])
        {
            original.Append(leaf);
        }

        var sut = MerkleFrontier.Restore(original.Size, original.Subtrees);
        foreach (var leaf in leafHashes[29..])
        {
            sut.Append(leaf);
        }

        Assert.Equal(MerkleTree.RootHash(leafHashes), sut.Root());
        Assert.Throws<InvalidDataException>(() => MerkleFrontier.Restore(31, original.Subtrees));
    }

    [Theory]
    [InlineData(2, 1)]
    [InlineData(3, 2)]
    [InlineData(5, 4)]
    [InlineData(8, 4)]
    [InlineData(9, 8)]
    [InlineData(1000, 512)]
    public void SplitPoint_Size_IsLargestPowerOfTwoBelow(long n, long expected) => Assert.Equal(expected, MerkleTree.SplitPoint(n));

    private static byte[][] Leaves(int count) =>
        Enumerable.Range(0, count).Select(i => new[] { (byte)i, (byte)(i * 7), (byte)(i >> 3) }).ToArray();

    // Written straight from the RFC 6962 §2.1 definition, sharing no code with the implementation under test.
    private static byte[] ReferenceRoot(byte[][] data)
    {
        if (data.Length == 1)
        {
            return SHA256.HashData([0x00, .. data[0]]);
        }
        var k = 1;
        while (k * 2 < data.Length)
        {
            k *= 2;
        }
        return SHA256.HashData([0x01, .. ReferenceRoot(data[..k]), .. ReferenceRoot(data[k..])]);
    }
}
