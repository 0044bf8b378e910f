using System.Buffers.Binary;
using System.Text;

namespace SecureContainers.Core.Tests.Layers.Rpm;

/// <summary>
/// Writes small SQLite 3 files byte by byte (512-byte pages, UTF-8), so tests can place exactly the damage they need:
/// a pointer to a missing page, a cycle, a cell that claims more than the file. Page 1 always holds a schema naming a
/// <c>Packages</c> table rooted at <see cref="PackagesRoot"/>; other pages are whatever the test puts there.
/// </summary>
internal sealed class SqliteImage
{
    public const int PageSize = 512;
    public const uint PackagesRoot = 2;

    private readonly SortedDictionary<uint, byte[]> _pages = new();

    public SqliteImage()
    {
        byte[] schema = Record("table", "Packages", "Packages", (long)PackagesRoot, "CREATE TABLE Packages (hnum INTEGER PRIMARY KEY AUTOINCREMENT, blob BLOB NOT NULL)");
        _pages[1] = LeafPage([Cell(1, schema)], headerOffset: 100);
    }

    public SqliteImage Page(uint number, byte[] page)
    {
        _pages[number] = page;
        return this;
    }

    /// <summary>The file: header fields the reader checks, then every page in order (missing ones zero-filled).</summary>
    public byte[] ToBytes(uint? declaredPages = null)
    {
        uint count = _pages.Keys.Max();
        byte[] file = new byte[count * PageSize];
        foreach ((uint number, byte[] page) in _pages)
        {
            page.CopyTo(file, (int)((number - 1) * PageSize));
        }

        Encoding.ASCII.GetBytes("SQLite format 3\0").CopyTo(file, 0);
        BinaryPrimitives.WriteUInt16BigEndian(file.AsSpan(16), PageSize);
        file[18] = file[19] = 1;
        file[21] = 64;
        file[22] = 32;
        file[23] = 32;
        BinaryPrimitives.WriteUInt32BigEndian(file.AsSpan(24), 1);
        BinaryPrimitives.WriteUInt32BigEndian(file.AsSpan(28), declaredPages ?? count);
        BinaryPrimitives.WriteUInt32BigEndian(file.AsSpan(44), 4);
        BinaryPrimitives.WriteUInt32BigEndian(file.AsSpan(56), 1);
        BinaryPrimitives.WriteUInt32BigEndian(file.AsSpan(92), 1);
        return file;
    }

    /// <summary>A table leaf page holding the cells, laid out from the end of the page backwards.</summary>
    public static byte[] LeafPage(IReadOnlyList<byte[]> cells, int headerOffset = 0, int? claimedCells = null)
    {
        byte[] page = new byte[PageSize];
        page[headerOffset] = 0x0D;
        BinaryPrimitives.WriteUInt16BigEndian(page.AsSpan(headerOffset + 3), (ushort)(claimedCells ?? cells.Count));
        int end = PageSize;
        for (int i = 0; i < cells.Count; i++)
        {
            end -= cells[i].Length;
            cells[i].CopyTo(page, end);
            BinaryPrimitives.WriteUInt16BigEndian(page.AsSpan(headerOffset + 8 + (2 * i)), (ushort)end);
        }

        BinaryPrimitives.WriteUInt16BigEndian(page.AsSpan(headerOffset + 5), (ushort)end);
        return page;
    }

    /// <summary>A table interior page: cells (left child, key) and the right-most child.</summary>
    public static byte[] InteriorPage(IReadOnlyList<(uint Child, long Key)> cells, uint rightMost)
    {
        byte[] page = new byte[PageSize];
        page[0] = 0x05;
        BinaryPrimitives.WriteUInt16BigEndian(page.AsSpan(3), (ushort)cells.Count);
        BinaryPrimitives.WriteUInt32BigEndian(page.AsSpan(8), rightMost);
        int end = PageSize;
        for (int i = 0; i < cells.Count; i++)
        {
            byte[] cell = [.. BigEndian(cells[i].Child), .. Varint((ulong)cells[i].Key)];
            end -= cell.Length;
            cell.CopyTo(page, end);
            BinaryPrimitives.WriteUInt16BigEndian(page.AsSpan(12 + (2 * i)), (ushort)end);
        }

        BinaryPrimitives.WriteUInt16BigEndian(page.AsSpan(5), (ushort)end);
        return page;
    }

    /// <summary>A table leaf cell whose payload is stored whole on the page (at most 477 bytes with 512-byte pages).</summary>
    public static byte[] Cell(long rowId, byte[] payload) => [.. Varint((ulong)payload.Length), .. Varint((ulong)rowId), .. payload];

    /// <summary>A row of the Packages table: hnum (the rowid, stored as null) and the header blob.</summary>
    public static byte[] PackageRow(byte[] blob) => Record(null, blob);

    /// <summary>The record format: a header of serial types, then the values.</summary>
    public static byte[] Record(params object?[] values)
    {
        var types = new List<byte>();
        var body = new List<byte>();
        foreach (object? v in values)
        {
            switch (v)
            {
                case null:
                    types.AddRange(Varint(0));
                    break;
                case long l:
                    types.AddRange(Varint(6));
                    body.AddRange(BigEndian((ulong)l));
                    break;
                case string s:
                    byte[] text = Encoding.UTF8.GetBytes(s);
                    types.AddRange(Varint((ulong)((text.Length * 2) + 13)));
                    body.AddRange(text);
                    break;
                case byte[] b:
                    types.AddRange(Varint((ulong)((b.Length * 2) + 12)));
                    body.AddRange(b);
                    break;
                default:
                    throw new ArgumentException($"unsupported value {v}");
            }
        }

        if (types.Count + 1 > 127)
        {
            throw new ArgumentException("record header too long for this simple writer");
        }

        return [(byte)(types.Count + 1), .. types, .. body];
    }

    public static byte[] Varint(ulong value)
    {
        if (value > 0x00FF_FFFF_FFFF_FFFF)
        {
            byte[] nine = new byte[9];
            nine[8] = (byte)value;
            value >>= 8;
            for (int i = 7; i >= 0; i--)
            {
                nine[i] = (byte)((value & 0x7F) | 0x80);
                value >>= 7;
            }

            return nine;
        }

        var bytes = new List<byte> { (byte)(value & 0x7F) };
        for (value >>= 7; value > 0; value >>= 7)
        {
            bytes.Insert(0, (byte)((value & 0x7F) | 0x80));
        }

        return [.. bytes];
    }

    public static byte[] BigEndian(uint value)
    {
        byte[] b = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(b, value);
        return b;
    }

    private static byte[] BigEndian(ulong value)
    {
        byte[] b = new byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(b, value);
        return b;
    }
}
