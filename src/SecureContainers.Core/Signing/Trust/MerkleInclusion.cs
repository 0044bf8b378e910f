using System.Numerics;
using System.Security.Cryptography;

namespace SecureContainers.Core.Signing.Trust;

/// <summary>
/// RFC 9162 §2.1.3.2 inclusion-proof verification for an RFC 6962 Merkle tree: the leaf hash is SHA-256(0x00 || leaf),
/// an interior node SHA-256(0x01 || left || right). The proof's inner part climbs while the leaf's path and the tree's
/// last leaf differ; the border part folds in the right edge.
/// </summary>
public static class MerkleInclusion
{
    /// <summary>Null when <paramref name="leaf"/> at <paramref name="index"/> is in the tree of <paramref name="treeSize"/> leaves with <paramref name="rootHash"/>, else why not.</summary>
    public static string? Verify(ReadOnlySpan<byte> leaf, long index, long treeSize, IReadOnlyList<byte[]> hashes, ReadOnlySpan<byte> rootHash)
    {
        if (index < 0 || treeSize <= 0 || index >= treeSize)
        {
            return $"index {index} is outside a tree of {treeSize} leaves";
        }

        int inner = 64 - BitOperations.LeadingZeroCount((ulong)(index ^ (treeSize - 1)));
        int border = BitOperations.PopCount((ulong)index >> inner);
        if (hashes.Count != inner + border)
        {
            return $"the proof has {hashes.Count} hashes, a tree of {treeSize} leaves needs {inner + border} for index {index}";
        }

        if (hashes.Any(h => h.Length != 32))
        {
            return "a proof hash is not 32 bytes";
        }

        byte[] node = LeafHash(leaf);
        for (int i = 0; i < inner; i++)
        {
            node = ((index >> i) & 1) == 1 ? NodeHash(hashes[i], node) : NodeHash(node, hashes[i]);
        }

        for (int i = inner; i < hashes.Count; i++)
        {
            node = NodeHash(hashes[i], node);
        }

        return CryptographicOperations.FixedTimeEquals(node, rootHash) ? null : "the proof does not lead to the root hash";
    }

    public static byte[] LeafHash(ReadOnlySpan<byte> leaf)
    {
        byte[] data = new byte[leaf.Length + 1];
        leaf.CopyTo(data.AsSpan(1));
        return SHA256.HashData(data);
    }

    private static byte[] NodeHash(byte[] left, byte[] right)
    {
        byte[] data = new byte[65];
        data[0] = 1;
        left.CopyTo(data, 1);
        right.CopyTo(data, 33);
        return SHA256.HashData(data);
    }
}
