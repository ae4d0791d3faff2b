using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using System.Security.Cryptography;

namespace AgentOps.Storage;

/// <summary>Which implementation <see cref="Sha256NodeBatch"/> uses; tests force each one in turn.</summary>
internal enum Sha256NodePath
{
    /// <summary>One <see cref="SHA256.HashData(ReadOnlySpan{byte}, Span{byte})"/> call per node.</summary>
    Scalar,

    /// <summary>Eight nodes at a time in <see cref="Vector256{T}"/> lanes (AVX2).</summary>
    Vector256,

    /// <summary>Sixteen nodes at a time in <see cref="Vector512{T}"/> lanes (AVX-512F).</summary>
    Vector512,
}

/// <summary>
/// RFC 6962 interior node hashes, SHA-256(0x01 || left || right), for many consecutive pairs at once (and leaf hashes
/// of 32-byte leaves, see <see cref="HashLeaves(ReadOnlySpan{byte}, Span{byte})"/>). Every node's
/// message is 65 bytes, so exactly two SHA-256 blocks, and a per-node <see cref="SHA256.HashData(ReadOnlySpan{byte}, Span{byte})"/>
/// call spends most of its time on call overhead rather than on those two blocks. Here the nodes are hashed side by
/// side instead, one node per SIMD lane (multi-buffer SHA-256): every lane runs the same rounds on its own message, so
/// 16 (AVX-512) or 8 (AVX2) hashes cost about as many instructions as one. Whatever does not fill a whole set of lanes,
/// and every node on hardware with neither, goes through <see cref="SHA256.HashData(ReadOnlySpan{byte}, Span{byte})"/>.
/// </summary>
internal static class Sha256NodeBatch
{
    private const int HashSize = MerkleTree.HashSize;

    /// <summary>Bytes of one pair of children, left then right.</summary>
    private const int PairSize = 2 * HashSize;

    /// <summary>The message length in bits (1 + 64 bytes), the last word of the second block's padding.</summary>
    private const uint BitLength = 520;

    /// <summary>The length in bits of a leaf message over a chain hash (1 + 32 bytes), its only block's last word.</summary>
    private const uint LeafBitLength = 264;

    // The second block is right[31], 0x80, zeros and the length, so its schedule words 1-15 are the same for every node
    // and many of words 16-31 are too (worked out in Block2Schedule512); these are the constant ones.
    private static readonly uint s_w17 = SmallSigma1(BitLength);
    private static readonly uint s_w19 = SmallSigma1(s_w17);
    private static readonly uint s_w21 = SmallSigma1(s_w19);
    private static readonly uint s_sigma1W21 = SmallSigma1(s_w21);
    private static readonly uint s_sigma0BitLength = SmallSigma0(BitLength);

    // vpermt2d index vectors for a 16x16 transpose done as four butterflies: butterfly q swaps bit q of the row number
    // with bit q of the lane number, and after all four every element (row, lane) sits at (lane, row).
    private static readonly Vector512<uint>[] s_butterflyLow = [ButterflyIndex(0, false), ButterflyIndex(1, false), ButterflyIndex(2, false), ButterflyIndex(3, false)];
    private static readonly Vector512<uint>[] s_butterflyHigh = [ButterflyIndex(0, true), ButterflyIndex(1, true), ButterflyIndex(2, true), ButterflyIndex(3, true)];

    private static ReadOnlySpan<uint> InitialState =>
    [
        0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
    ];

    private static ReadOnlySpan<uint> RoundConstants =>
    [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
        0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
        0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
        0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
        0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
        0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
        0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
    ];

    /// <summary>The fastest path this machine supports.</summary>
    public static Sha256NodePath BestPath =>
        Avx512F.IsSupported ? Sha256NodePath.Vector512 : Avx2.IsSupported ? Sha256NodePath.Vector256 : Sha256NodePath.Scalar;

    public static bool IsSupported(Sha256NodePath path) => path switch
    {
        Sha256NodePath.Scalar => true,
        Sha256NodePath.Vector256 => Avx2.IsSupported,
        Sha256NodePath.Vector512 => Avx512F.IsSupported,
        _ => false,
    };

    /// <summary>
    /// Node i of <paramref name="output"/> (32 bytes at 32i) becomes SHA-256(0x01 || left || right), where left and right
    /// are the 64 bytes at 64i of <paramref name="children"/>; <paramref name="children"/> is twice as long as <paramref name="output"/>.
    /// </summary>
    public static void HashPairs(ReadOnlySpan<byte> children, Span<byte> output) => HashPairs(children, output, BestPath);

    /// <inheritdoc cref="HashPairs(ReadOnlySpan{byte}, Span{byte})"/>
    /// <param name="path">The implementation to use; <see cref="PlatformNotSupportedException"/> if this machine lacks it.</param>
    public static void HashPairs(ReadOnlySpan<byte> children, Span<byte> output, Sha256NodePath path)
    {
        if (output.Length % HashSize != 0 || children.Length != 2 * output.Length)
        {
            throw new ArgumentException($"Children come {PairSize} bytes per node and hashes {HashSize}: {children.Length} and {output.Length} bytes do not match.", nameof(children));
        }
        if (!IsSupported(path))
        {
            throw new PlatformNotSupportedException($"{path} is not supported on this machine.");
        }
        var done = path switch
        {
            Sha256NodePath.Vector512 => HashLanes16(children, output),
            Sha256NodePath.Vector256 => HashLanes8(children, output),
            _ => 0,
        };
        HashEach(children[(done * PairSize)..], output[(done * HashSize)..]);
    }

    /// <summary>
    /// Leaf i of <paramref name="output"/> (32 bytes at 32i) becomes SHA-256(0x00 || the 32 bytes at 32i of
    /// <paramref name="chainHashes"/>): the RFC 6962 leaf hash of a 32-byte leaf, which is what a v2 audit checkpoint
    /// takes over each record's chain hash. That message is 33 bytes, a single SHA-256 block, so per-call overhead is an
    /// even larger share of <see cref="SHA256.HashData(ReadOnlySpan{byte}, Span{byte})"/> than it is for nodes.
    /// </summary>
    public static void HashLeaves(ReadOnlySpan<byte> chainHashes, Span<byte> output) => HashLeaves(chainHashes, output, BestPath);

    /// <inheritdoc cref="HashLeaves(ReadOnlySpan{byte}, Span{byte})"/>
    /// <param name="path">The implementation to use; <see cref="PlatformNotSupportedException"/> if this machine lacks it.</param>
    public static void HashLeaves(ReadOnlySpan<byte> chainHashes, Span<byte> output, Sha256NodePath path)
    {
        if (output.Length % HashSize != 0 || chainHashes.Length != output.Length)
        {
            throw new ArgumentException($"Leaves and hashes are both {HashSize} bytes each: {chainHashes.Length} and {output.Length} bytes do not match.", nameof(chainHashes));
        }
        if (!IsSupported(path))
        {
            throw new PlatformNotSupportedException($"{path} is not supported on this machine.");
        }
        var done = path switch
        {
            Sha256NodePath.Vector512 => HashLeafLanes16(chainHashes, output),
            Sha256NodePath.Vector256 => HashLeafLanes8(chainHashes, output),
            _ => 0,
        };
        HashLeavesEach(chainHashes[(done * HashSize)..], output[(done * HashSize)..]);
    }

    private static void HashLeavesEach(ReadOnlySpan<byte> chainHashes, Span<byte> output)
    {
        Span<byte> message = stackalloc byte[1 + HashSize];
        message[0] = 0x00;
        for (var i = 0; i < output.Length / HashSize; i++)
        {
            chainHashes.Slice(i * HashSize, HashSize).CopyTo(message[1..]);
            SHA256.HashData(message, output.Slice(i * HashSize, HashSize));
        }
    }

    private static void HashEach(ReadOnlySpan<byte> children, Span<byte> output)
    {
        Span<byte> message = stackalloc byte[1 + PairSize];
        message[0] = 0x01;
        for (var i = 0; i < output.Length / HashSize; i++)
        {
            children.Slice(i * PairSize, PairSize).CopyTo(message[1..]);
            SHA256.HashData(message, output.Slice(i * HashSize, HashSize));
        }
    }

    // ---- 16 lanes (AVX-512F) ----

    // Called a handful of times per tree, each call one long loop: compiled fully optimized at once rather than
    // starting in tier 0 and waiting for on-stack replacement (likewise the other vector methods).
    /// <returns>How many nodes were hashed (whole groups of 16 from the start); the rest are left to the caller.</returns>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int HashLanes16(ReadOnlySpan<byte> children, Span<byte> output)
    {
        const int Lanes = 16;
        var groups = output.Length / HashSize / Lanes;
        if (groups == 0)
        {
            return 0;
        }
        Span<Vector512<uint>> w1 = stackalloc Vector512<uint>[64];
        Span<Vector512<uint>> w2 = stackalloc Vector512<uint>[64];
        Span<Vector512<uint>> state = stackalloc Vector512<uint>[8];
        Block2Constants512(w2);
        ref var input = ref Unsafe.As<byte, uint>(ref MemoryMarshal.GetReference(children));
        ref var result = ref Unsafe.As<byte, uint>(ref MemoryMarshal.GetReference(output));
        for (var group = 0; group < groups; group++)
        {
            // Row j is node j's 64 child bytes as 16 big-endian words; transposed, w1[t] holds word t of every node.
            var first = (nuint)(group * Lanes * (PairSize / 4));
            for (var j = 0; j < Lanes; j++)
            {
                w1[j] = ByteSwap512(Vector512.LoadUnsafe(ref input, first + (nuint)(j * (PairSize / 4))));
            }
            Transpose512(w1, 4);

            // The 0x01 prefix shifts every child word one byte right across the word boundaries: block 1's word t is
            // the last byte of child word t - 1 and the first three of child word t. Descending, so each child word
            // is read before it is overwritten.
            var x = Avx512F.ShiftLeftLogical(w1[15], 24) | Vector512.Create(0x00800000u);
            for (var t = 15; t >= 1; t--)
            {
                w1[t] = Avx512F.ShiftLeftLogical(w1[t - 1], 24) | Avx512F.ShiftRightLogical(w1[t], 8);
            }
            w1[0] = Avx512F.ShiftRightLogical(w1[0], 8) | Vector512.Create(0x01000000u);
            for (var t = 16; t < 64; t++)
            {
                w1[t] = SmallSigma1(w1[t - 2]) + w1[t - 7] + SmallSigma0(w1[t - 15]) + w1[t - 16];
            }
            Block2Schedule512(w2, x);

            for (var k = 0; k < 8; k++)
            {
                state[k] = Vector512.Create(InitialState[k]);
            }
            Compress512(w1, state);
            Compress512(w2, state);

            // Back to one hash per 32 bytes: three butterflies on the 8 state rows put node j's eight words in lanes
            // 0-7 of row j (j < 8) or lanes 8-15 of row j - 8.
            for (var k = 0; k < 8; k++)
            {
                state[k] = ByteSwap512(state[k]);
            }
            Transpose512(state, 3);
            var firstOut = (nuint)(group * Lanes * (HashSize / 4));
            for (var r = 0; r < 8; r++)
            {
                state[r].GetLower().StoreUnsafe(ref result, firstOut + (nuint)(r * (HashSize / 4)));
                state[r].GetUpper().StoreUnsafe(ref result, firstOut + (nuint)((r + 8) * (HashSize / 4)));
            }
        }
        return groups * Lanes;
    }

    /// <returns>How many leaves were hashed (whole groups of 16 from the start); the rest are left to the caller.</returns>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int HashLeafLanes16(ReadOnlySpan<byte> chainHashes, Span<byte> output)
    {
        const int Lanes = 16;
        const int Words = HashSize / 4;
        var groups = output.Length / HashSize / Lanes;
        if (groups == 0)
        {
            return 0;
        }
        Span<Vector512<uint>> w = stackalloc Vector512<uint>[64];
        Span<Vector512<uint>> state = stackalloc Vector512<uint>[8];
        // After the 33 message bytes and 0x80 come zeros and the length: words 9-15 are the same for every leaf.
        for (var t = 9; t < 15; t++)
        {
            w[t] = Vector512<uint>.Zero;
        }
        w[15] = Vector512.Create(LeafBitLength);
        ref var input = ref Unsafe.As<byte, uint>(ref MemoryMarshal.GetReference(chainHashes));
        ref var result = ref Unsafe.As<byte, uint>(ref MemoryMarshal.GetReference(output));
        for (var group = 0; group < groups; group++)
        {
            // Row r is leaf r in lanes 0-7 and leaf r + 8 in lanes 8-15: the very layout HashLanes16 stores its results
            // from. Its three butterflies are their own inverse, so they turn this into word t of leaf j in row t, lane j.
            var first = (nuint)(group * Lanes * Words);
            for (var r = 0; r < 8; r++)
            {
                var low = Vector256.LoadUnsafe(ref input, first + (nuint)(r * Words));
                var high = Vector256.LoadUnsafe(ref input, first + (nuint)((r + 8) * Words));
                w[r] = ByteSwap512(Vector512.Create(low, high));
            }
            Transpose512(w, 3);

            // The 0x00 prefix shifts every hash word one byte right, as the 0x01 prefix does in HashLanes16; the byte that
            // falls out of word 7 opens word 8, beside the padding's 0x80.
            w[8] = Avx512F.ShiftLeftLogical(w[7], 24) | Vector512.Create(0x00800000u);
            for (var t = 7; t >= 1; t--)
            {
                w[t] = Avx512F.ShiftLeftLogical(w[t - 1], 24) | Avx512F.ShiftRightLogical(w[t], 8);
            }
            w[0] = Avx512F.ShiftRightLogical(w[0], 8);
            for (var t = 16; t < 64; t++)
            {
                w[t] = SmallSigma1(w[t - 2]) + w[t - 7] + SmallSigma0(w[t - 15]) + w[t - 16];
            }

            for (var k = 0; k < 8; k++)
            {
                state[k] = Vector512.Create(InitialState[k]);
            }
            Compress512(w, state);

            for (var k = 0; k < 8; k++)
            {
                state[k] = ByteSwap512(state[k]);
            }
            Transpose512(state, 3);
            for (var r = 0; r < 8; r++)
            {
                state[r].GetLower().StoreUnsafe(ref result, first + (nuint)(r * Words));
                state[r].GetUpper().StoreUnsafe(ref result, first + (nuint)((r + 8) * Words));
            }
        }
        return groups * Lanes;
    }

    /// <summary>The schedule words of block 2 that are the same for every node (0x80, zeros, the length, and what follows from them alone).</summary>
    private static void Block2Constants512(Span<Vector512<uint>> w)
    {
        for (var t = 1; t < 15; t++)
        {
            w[t] = Vector512<uint>.Zero;
        }
        w[15] = Vector512.Create(BitLength);
        w[17] = Vector512.Create(s_w17);
        w[19] = Vector512.Create(s_w19);
        w[21] = Vector512.Create(s_w21);
    }

    /// <summary>
    /// Block 2's schedule from its only per-node word, <paramref name="x"/> = right[31] || 0x80 || 0 || 0. With words 1-14
    /// zero and word 15 the length, W[t] = σ1(W[t-2]) + W[t-7] + σ0(W[t-15]) + W[t-16] loses most terms until t = 32;
    /// only what is left is computed (words 17, 19 and 21 are constants, set by <see cref="Block2Constants512"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Block2Schedule512(Span<Vector512<uint>> w, Vector512<uint> x)
    {
        w[0] = x;
        w[16] = x;
        w[18] = SmallSigma1(x);
        w[20] = SmallSigma1(w[18]);
        w[22] = SmallSigma1(w[20]) + Vector512.Create(BitLength);
        w[23] = x + Vector512.Create(s_sigma1W21);
        w[24] = SmallSigma1(w[22]) + Vector512.Create(s_w17);
        w[25] = SmallSigma1(w[23]) + w[18];
        w[26] = SmallSigma1(w[24]) + Vector512.Create(s_w19);
        w[27] = SmallSigma1(w[25]) + w[20];
        w[28] = SmallSigma1(w[26]) + Vector512.Create(s_w21);
        w[29] = SmallSigma1(w[27]) + w[22];
        w[30] = SmallSigma1(w[28]) + w[23] + Vector512.Create(s_sigma0BitLength);
        w[31] = SmallSigma1(w[29]) + w[24] + SmallSigma0(x) + Vector512.Create(BitLength);
        for (var t = 32; t < 64; t++)
        {
            w[t] = SmallSigma1(w[t - 2]) + w[t - 7] + SmallSigma0(w[t - 15]) + w[t - 16];
        }
    }

    /// <summary>64 rounds over the schedule <paramref name="w"/>, added into <paramref name="state"/> (the feed-forward).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Compress512(ReadOnlySpan<Vector512<uint>> w, Span<Vector512<uint>> state)
    {
        var a = state[0];
        var b = state[1];
        var c = state[2];
        var d = state[3];
        var e = state[4];
        var f = state[5];
        var g = state[6];
        var h = state[7];
        var k = RoundConstants;
        for (var t = 0; t < 64; t++)
        {
            // Ternary logic does Ch (0xCA: e ? f : g) and Maj (0xE8: majority) in one instruction each.
            var t1 = h + BigSigma1(e) + Avx512F.TernaryLogic(e, f, g, 0xCA) + w[t] + Vector512.Create(k[t]);
            var t2 = BigSigma0(a) + Avx512F.TernaryLogic(a, b, c, 0xE8);
            h = g;
            g = f;
            f = e;
            e = d + t1;
            d = c;
            c = b;
            b = a;
            a = t1 + t2;
        }
        state[0] += a;
        state[1] += b;
        state[2] += c;
        state[3] += d;
        state[4] += e;
        state[5] += f;
        state[6] += g;
        state[7] += h;
    }

    /// <summary>The first <paramref name="butterflies"/> butterflies of the 16x16 transpose, on rows 0 to 2^butterflies - 1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Transpose512(Span<Vector512<uint>> rows, int butterflies)
    {
        var rowCount = 1 << butterflies;
        for (var q = 0; q < butterflies; q++)
        {
            var s = 1 << q;
            var low = s_butterflyLow[q];
            var high = s_butterflyHigh[q];
            for (var i = 0; i < rowCount; i++)
            {
                if ((i & s) == 0)
                {
                    var first = rows[i];
                    var second = rows[i + s];
                    rows[i] = Avx512F.PermuteVar16x32x2(first, low, second);
                    rows[i + s] = Avx512F.PermuteVar16x32x2(first, high, second);
                }
            }
        }
    }

    /// <summary>
    /// Lane l of the row pair (r, r + 2^q) with bit q of r clear: the row r result keeps the lanes with bit q clear and
    /// takes the others from row r + 2^q, lane l - 2^q; the row r + 2^q result is the mirror image. Indices 16-31 pick
    /// from vpermt2d's second operand.
    /// </summary>
    private static Vector512<uint> ButterflyIndex(int q, bool high)
    {
        var s = 1u << q;
        Span<uint> index = stackalloc uint[16];
        for (var l = 0u; l < 16; l++)
        {
            index[(int)l] = (l & s) == 0
                ? high ? l | s : l
                : high ? 16 + l : 16 + (l ^ s);
        }
        return Vector512.Create<uint>(index);
    }

    // Only AVX-512F is assumed (no AVX-512BW byte shuffle): bytes 2 and 0 of the swapped word are bytes 1 and 3 rotated
    // left by 8, bytes 3 and 1 are bytes 0 and 2 rotated right by 8, and one ternary-logic select merges the two.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<uint> ByteSwap512(Vector512<uint> v) =>
        Avx512F.TernaryLogic(Vector512.Create(0x00FF00FFu), Avx512F.RotateLeft(v, 8), Avx512F.RotateRight(v, 8), 0xCA);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<uint> BigSigma0(Vector512<uint> a) =>
        Avx512F.TernaryLogic(Avx512F.RotateRight(a, 2), Avx512F.RotateRight(a, 13), Avx512F.RotateRight(a, 22), 0x96);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<uint> BigSigma1(Vector512<uint> e) =>
        Avx512F.TernaryLogic(Avx512F.RotateRight(e, 6), Avx512F.RotateRight(e, 11), Avx512F.RotateRight(e, 25), 0x96);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<uint> SmallSigma0(Vector512<uint> x) =>
        Avx512F.TernaryLogic(Avx512F.RotateRight(x, 7), Avx512F.RotateRight(x, 18), Avx512F.ShiftRightLogical(x, 3), 0x96);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<uint> SmallSigma1(Vector512<uint> x) =>
        Avx512F.TernaryLogic(Avx512F.RotateRight(x, 17), Avx512F.RotateRight(x, 19), Avx512F.ShiftRightLogical(x, 10), 0x96);

    // ---- 8 lanes (AVX2) ----

    /// <returns>How many nodes were hashed (whole groups of 8 from the start); the rest are left to the caller.</returns>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int HashLanes8(ReadOnlySpan<byte> children, Span<byte> output)
    {
        const int Lanes = 8;
        var groups = output.Length / HashSize / Lanes;
        if (groups == 0)
        {
            return 0;
        }
        Span<Vector256<uint>> w1 = stackalloc Vector256<uint>[64];
        Span<Vector256<uint>> w2 = stackalloc Vector256<uint>[64];
        Span<Vector256<uint>> state = stackalloc Vector256<uint>[8];
        Span<uint> words = stackalloc uint[16 * Lanes];
        Block2Constants256(w2);
        for (var group = 0; group < groups; group++)
        {
            // AVX2 has no two-source permute to transpose with, so the words are gathered one by one, big-endian
            // reads doing the byte swap; words[t * 8 + j] is child word t of node j.
            var pairs = children.Slice(group * Lanes * PairSize, Lanes * PairSize);
            for (var j = 0; j < Lanes; j++)
            {
                for (var t = 0; t < 16; t++)
                {
                    words[(t * Lanes) + j] = BinaryPrimitives.ReadUInt32BigEndian(pairs[((j * PairSize) + (t * 4))..]);
                }
            }
            for (var t = 0; t < 16; t++)
            {
                w1[t] = Vector256.Create<uint>(words.Slice(t * Lanes, Lanes));
            }

            // As in HashLanes16: the 0x01 prefix moves every child byte one place along.
            var x = (w1[15] << 24) | Vector256.Create(0x00800000u);
            for (var t = 15; t >= 1; t--)
            {
                w1[t] = (w1[t - 1] << 24) | (w1[t] >>> 8);
            }
            w1[0] = (w1[0] >>> 8) | Vector256.Create(0x01000000u);
            for (var t = 16; t < 64; t++)
            {
                w1[t] = SmallSigma1(w1[t - 2]) + w1[t - 7] + SmallSigma0(w1[t - 15]) + w1[t - 16];
            }
            Block2Schedule256(w2, x);

            for (var k = 0; k < 8; k++)
            {
                state[k] = Vector256.Create(InitialState[k]);
            }
            Compress256(w1, state);
            Compress256(w2, state);

            var hashes = output.Slice(group * Lanes * HashSize, Lanes * HashSize);
            for (var k = 0; k < 8; k++)
            {
                state[k].CopyTo(words.Slice(k * Lanes, Lanes));
            }
            for (var j = 0; j < Lanes; j++)
            {
                for (var k = 0; k < 8; k++)
                {
                    BinaryPrimitives.WriteUInt32BigEndian(hashes[((j * HashSize) + (k * 4))..], words[(k * Lanes) + j]);
                }
            }
        }
        return groups * Lanes;
    }

    /// <returns>How many leaves were hashed (whole groups of 8 from the start); the rest are left to the caller.</returns>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int HashLeafLanes8(ReadOnlySpan<byte> chainHashes, Span<byte> output)
    {
        const int Lanes = 8;
        const int Words = HashSize / 4;
        var groups = output.Length / HashSize / Lanes;
        if (groups == 0)
        {
            return 0;
        }
        Span<Vector256<uint>> w = stackalloc Vector256<uint>[64];
        Span<Vector256<uint>> state = stackalloc Vector256<uint>[8];
        Span<uint> words = stackalloc uint[Words * Lanes];
        for (var t = 9; t < 15; t++)
        {
            w[t] = Vector256<uint>.Zero;
        }
        w[15] = Vector256.Create(LeafBitLength);
        for (var group = 0; group < groups; group++)
        {
            // As in HashLanes8: gathered word by word, big-endian reads doing the byte swap.
            var leaves = chainHashes.Slice(group * Lanes * HashSize, Lanes * HashSize);
            for (var j = 0; j < Lanes; j++)
            {
                for (var t = 0; t < Words; t++)
                {
                    words[(t * Lanes) + j] = BinaryPrimitives.ReadUInt32BigEndian(leaves[((j * HashSize) + (t * 4))..]);
                }
            }
            for (var t = 0; t < Words; t++)
            {
                w[t] = Vector256.Create<uint>(words.Slice(t * Lanes, Lanes));
            }

            // As in HashLeafLanes16: the 0x00 prefix moves every hash byte one place along.
            w[8] = (w[7] << 24) | Vector256.Create(0x00800000u);
            for (var t = 7; t >= 1; t--)
            {
                w[t] = (w[t - 1] << 24) | (w[t] >>> 8);
            }
            w[0] >>>= 8;
            for (var t = 16; t < 64; t++)
            {
                w[t] = SmallSigma1(w[t - 2]) + w[t - 7] + SmallSigma0(w[t - 15]) + w[t - 16];
            }

            for (var k = 0; k < 8; k++)
            {
                state[k] = Vector256.Create(InitialState[k]);
            }
            Compress256(w, state);

            var hashes = output.Slice(group * Lanes * HashSize, Lanes * HashSize);
            for (var k = 0; k < 8; k++)
            {
                state[k].CopyTo(words.Slice(k * Lanes, Lanes));
            }
            for (var j = 0; j < Lanes; j++)
            {
                for (var k = 0; k < 8; k++)
                {
                    BinaryPrimitives.WriteUInt32BigEndian(hashes[((j * HashSize) + (k * 4))..], words[(k * Lanes) + j]);
                }
            }
        }
        return groups * Lanes;
    }

    /// <inheritdoc cref="Block2Constants512"/>
    private static void Block2Constants256(Span<Vector256<uint>> w)
    {
        for (var t = 1; t < 15; t++)
        {
            w[t] = Vector256<uint>.Zero;
        }
        w[15] = Vector256.Create(BitLength);
        w[17] = Vector256.Create(s_w17);
        w[19] = Vector256.Create(s_w19);
        w[21] = Vector256.Create(s_w21);
    }

    /// <inheritdoc cref="Block2Schedule512"/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Block2Schedule256(Span<Vector256<uint>> w, Vector256<uint> x)
    {
        w[0] = x;
        w[16] = x;
        w[18] = SmallSigma1(x);
        w[20] = SmallSigma1(w[18]);
        w[22] = SmallSigma1(w[20]) + Vector256.Create(BitLength);
        w[23] = x + Vector256.Create(s_sigma1W21);
        w[24] = SmallSigma1(w[22]) + Vector256.Create(s_w17);
        w[25] = SmallSigma1(w[23]) + w[18];
        w[26] = SmallSigma1(w[24]) + Vector256.Create(s_w19);
        w[27] = SmallSigma1(w[25]) + w[20];
        w[28] = SmallSigma1(w[26]) + Vector256.Create(s_w21);
        w[29] = SmallSigma1(w[27]) + w[22];
        w[30] = SmallSigma1(w[28]) + w[23] + Vector256.Create(s_sigma0BitLength);
        w[31] = SmallSigma1(w[29]) + w[24] + SmallSigma0(x) + Vector256.Create(BitLength);
        for (var t = 32; t < 64; t++)
        {
            w[t] = SmallSigma1(w[t - 2]) + w[t - 7] + SmallSigma0(w[t - 15]) + w[t - 16];
        }
    }

    /// <inheritdoc cref="Compress512"/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Compress256(ReadOnlySpan<Vector256<uint>> w, Span<Vector256<uint>> state)
    {
        var a = state[0];
        var b = state[1];
        var c = state[2];
        var d = state[3];
        var e = state[4];
        var f = state[5];
        var g = state[6];
        var h = state[7];
        var k = RoundConstants;
        for (var t = 0; t < 64; t++)
        {
            var t1 = h + BigSigma1(e) + (g ^ (e & (f ^ g))) + w[t] + Vector256.Create(k[t]);
            var t2 = BigSigma0(a) + ((a & b) | (c & (a | b)));
            h = g;
            g = f;
            f = e;
            e = d + t1;
            d = c;
            c = b;
            b = a;
            a = t1 + t2;
        }
        state[0] += a;
        state[1] += b;
        state[2] += c;
        state[3] += d;
        state[4] += e;
        state[5] += f;
        state[6] += g;
        state[7] += h;
    }

    // AVX2 has no rotate: a right rotation is two shifts and an OR.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<uint> BigSigma0(Vector256<uint> a) =>
        ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<uint> BigSigma1(Vector256<uint> e) =>
        ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<uint> SmallSigma0(Vector256<uint> x) =>
        ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<uint> SmallSigma1(Vector256<uint> x) =>
        ((x >>> 17) | (x << 15)) ^ ((x >>> 19) | (x << 13)) ^ (x >>> 10);

    // ---- scalar, for the constants above ----

    private static uint SmallSigma0(uint x) => uint.RotateRight(x, 7) ^ uint.RotateRight(x, 18) ^ (x >> 3);

    private static uint SmallSigma1(uint x) => uint.RotateRight(x, 17) ^ uint.RotateRight(x, 19) ^ (x >> 10);
}
