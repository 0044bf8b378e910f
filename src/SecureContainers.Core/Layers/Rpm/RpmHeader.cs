using System.Buffers.Binary;
using System.Text;

namespace SecureContainers.Core.Layers.Rpm;

/// <summary>
/// An rpm header as the rpm database stores it (rpm's lib/header.c, <c>headerExport</c> without the 8-byte magic):
/// a big-endian index count and data length, that many 16-byte entries (tag, type, offset, count), then the data
/// store. Only the tags the inventory needs are decoded; every offset and length is checked against the data store,
/// with rpm's own caps (at most 65535 entries, 256 MiB of data).
/// </summary>
internal sealed class RpmHeader
{
    public const int Name = 1000;
    public const int Version = 1001;
    public const int Release = 1002;
    public const int Epoch = 1003;
    public const int Vendor = 1011;
    public const int License = 1014;
    public const int Arch = 1022;
    public const int SourceRpm = 1044;
    public const int ProvideName = 1047;
    public const int RequireName = 1049;
    public const int DirIndexes = 1116;
    public const int BaseNames = 1117;
    public const int DirNames = 1118;
    public const int SigMd5 = 261;
    public const int Sha256Header = 273;

    private const int MaxEntries = 0xFFFF;
    private const int MaxData = 256 * 1024 * 1024;

    private const int TypeInt32 = 4;
    private const int TypeString = 6;
    private const int TypeBinary = 7;
    private const int TypeStringArray = 8;
    private const int TypeI18NString = 9;

    private static readonly UTF8Encoding Utf8 = new(false, throwOnInvalidBytes: false);

    private readonly Dictionary<int, object> _values;

    private RpmHeader(Dictionary<int, object> values)
    {
        _values = values;
    }

    /// <summary>Parses a header blob; throws <see cref="RpmHeaderFormatException"/> when it is malformed.</summary>
    public static RpmHeader Parse(ReadOnlySpan<byte> blob)
    {
        if (blob.Length < 8)
        {
            throw new RpmHeaderFormatException($"it is {blob.Length} bytes, shorter than a header's 8-byte preamble");
        }

        int entries = BinaryPrimitives.ReadInt32BigEndian(blob);
        int dataLength = BinaryPrimitives.ReadInt32BigEndian(blob[4..]);
        if (entries is < 1 or > MaxEntries || dataLength is < 0 or > MaxData)
        {
            throw new RpmHeaderFormatException($"it declares {entries} entries and {dataLength} bytes of data, outside rpm's limits");
        }

        long expected = 8 + (16L * entries) + dataLength;
        if (blob.Length < expected)
        {
            throw new RpmHeaderFormatException($"it is {blob.Length} bytes but its index and data need {expected}");
        }

        ReadOnlySpan<byte> data = blob.Slice(8 + (16 * entries), dataLength);
        var values = new Dictionary<int, object>();
        for (int i = 0; i < entries; i++)
        {
            ReadOnlySpan<byte> entry = blob.Slice(8 + (16 * i), 16);
            int tag = BinaryPrimitives.ReadInt32BigEndian(entry);
            int type = BinaryPrimitives.ReadInt32BigEndian(entry[4..]);
            int offset = BinaryPrimitives.ReadInt32BigEndian(entry[8..]);
            int count = BinaryPrimitives.ReadInt32BigEndian(entry[12..]);
            if (!IsWanted(tag))
            {
                continue;
            }

            if (offset < 0 || offset > data.Length || count < 1 || count > data.Length)
            {
                throw new RpmHeaderFormatException($"tag {tag} has offset {offset} and count {count}, outside its {data.Length}-byte data store");
            }

            // Entries written after the immutable region (at install) follow it and replace duplicates, as rpm does.
            values[tag] = type switch
            {
                TypeString or TypeI18NString or TypeStringArray => ReadStrings(data, tag, offset, type == TypeStringArray ? count : 1),
                TypeInt32 when offset + (4L * count) <= data.Length => ReadInt32s(data.Slice(offset, 4 * count)),
                TypeBinary when offset + (long)count <= data.Length => data.Slice(offset, count).ToArray(),
                _ => throw new RpmHeaderFormatException($"tag {tag} has type {type} or a length that its data store cannot hold"),
            };
        }

        return new RpmHeader(values);
    }

    /// <summary>The first string of a string, i18n string or string array tag; null when absent.</summary>
    public string? GetString(int tag) => _values.TryGetValue(tag, out object? v) && v is string[] { Length: > 0 } s ? s[0] : null;

    public IReadOnlyList<string> GetStrings(int tag) => _values.TryGetValue(tag, out object? v) && v is string[] s ? s : [];

    public int? GetInt32(int tag) => _values.TryGetValue(tag, out object? v) && v is int[] { Length: > 0 } i ? i[0] : null;

    public IReadOnlyList<int> GetInt32s(int tag) => _values.TryGetValue(tag, out object? v) && v is int[] i ? i : [];

    public byte[]? GetBinary(int tag) => _values.TryGetValue(tag, out object? v) && v is byte[] b ? b : null;

    private static bool IsWanted(int tag) => tag is Name or Version or Release or Epoch or Vendor or License or Arch or SourceRpm
        or ProvideName or RequireName or DirIndexes or BaseNames or DirNames or SigMd5 or Sha256Header;

    private static string[] ReadStrings(ReadOnlySpan<byte> data, int tag, int offset, int count)
    {
        var strings = new string[count];
        int position = offset;
        for (int i = 0; i < count; i++)
        {
            int end = position <= data.Length ? data[position..].IndexOf((byte)0) : -1;
            if (end < 0)
            {
                throw new RpmHeaderFormatException($"string {i} of tag {tag} is not terminated inside the data store");
            }

            strings[i] = Utf8.GetString(data.Slice(position, end));
            position += end + 1;
        }

        return strings;
    }

    private static int[] ReadInt32s(ReadOnlySpan<byte> bytes)
    {
        var values = new int[bytes.Length / 4];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = BinaryPrimitives.ReadInt32BigEndian(bytes[(4 * i)..]);
        }

        return values;
    }
}

/// <summary>An rpm header blob is malformed; the message says how, for a coded diagnostic.</summary>
internal sealed class RpmHeaderFormatException(string message) : Exception(message);
