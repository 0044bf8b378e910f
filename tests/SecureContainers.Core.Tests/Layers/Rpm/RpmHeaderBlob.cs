using System.Buffers.Binary;
using System.Text;

namespace SecureContainers.Core.Tests.Layers.Rpm;

/// <summary>Writes an rpm header blob as the database stores it: entry count, data length, index entries, data store.</summary>
internal static class RpmHeaderBlob
{
    /// <summary>String tags only (type 6), which is all the synthetic databases need.</summary>
    public static byte[] Strings(params (int Tag, string Value)[] tags)
    {
        var data = new List<byte>();
        var index = new List<byte>();
        foreach ((int tag, string value) in tags)
        {
            index.AddRange(Int32(tag));
            index.AddRange(Int32(6));
            index.AddRange(Int32(data.Count));
            index.AddRange(Int32(1));
            data.AddRange(Encoding.UTF8.GetBytes(value));
            data.Add(0);
        }

        return [.. Int32(tags.Length), .. Int32(data.Count), .. index, .. data];
    }

    public static byte[] Int32(int value)
    {
        byte[] b = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(b, value);
        return b;
    }
}
