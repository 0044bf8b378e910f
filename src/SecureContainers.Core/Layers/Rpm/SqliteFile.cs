using System.Buffers.Binary;
using System.Text;

namespace SecureContainers.Core.Layers.Rpm;

/// <summary>
/// A read-only reader of the SQLite 3 file format (sqlite.org/fileformat2.html), enough to list the rows of a table:
/// the 100-byte header, table B-tree pages (interior and leaf), overflow chains and the record format. It reads a
/// database file held in memory and trusts nothing in it: every page number is range-checked, every page is visited at
/// most once per scan (so cyclic or shared pointers end the read), and cells must fit their page. Journals and WAL
/// files are not read; the caller says when a WAL with content exists beside the file.
/// </summary>
internal sealed class SqliteFile
{
    private const string Magic = "SQLite format 3\0";
    private const byte TableInterior = 0x05;
    private const byte TableLeaf = 0x0D;

    private readonly byte[] _data;
    private readonly int _pageSize;
    private readonly int _usable;
    private readonly uint _pageCount;
    private readonly Encoding _text;

    private SqliteFile(byte[] data, int pageSize, int usable, uint pageCount, Encoding text)
    {
        _data = data;
        _pageSize = pageSize;
        _usable = usable;
        _pageCount = pageCount;
        _text = text;
    }

    /// <summary>Checks the header; throws <see cref="SqliteFormatException"/> for anything that is not a SQLite 3 file.</summary>
    public static SqliteFile Open(byte[] data)
    {
        if (data.Length < 100 || Encoding.ASCII.GetString(data, 0, 16) != Magic)
        {
            throw new SqliteFormatException("it does not start with the SQLite 3 header");
        }

        int pageSize = BinaryPrimitives.ReadUInt16BigEndian(data.AsSpan(16));
        pageSize = pageSize == 1 ? 65536 : pageSize;
        if (pageSize < 512 || (pageSize & (pageSize - 1)) != 0)
        {
            throw new SqliteFormatException($"its page size {pageSize} is not a power of two between 512 and 65536");
        }

        // The format requires at least 480 usable bytes a page; the overflow arithmetic below depends on it.
        int usable = pageSize - data[20];
        if (usable < 480)
        {
            throw new SqliteFormatException($"it reserves {data[20]} bytes of each {pageSize}-byte page");
        }

        if (data.Length % pageSize != 0)
        {
            throw new SqliteFormatException($"its length {data.Length} is not a whole number of {pageSize}-byte pages (the file is truncated)");
        }

        uint pageCount = (uint)(data.Length / pageSize);

        // The header's page count is valid when its change counter matches the "version-valid-for" number; a larger
        // count than the file holds means pages were cut off.
        uint declared = BinaryPrimitives.ReadUInt32BigEndian(data.AsSpan(28));
        bool declaredValid = BinaryPrimitives.ReadUInt32BigEndian(data.AsSpan(24)) == BinaryPrimitives.ReadUInt32BigEndian(data.AsSpan(92));
        if (declaredValid && declared > pageCount)
        {
            throw new SqliteFormatException($"its header counts {declared} pages but the file holds {pageCount} (the file is truncated)");
        }

        Encoding text = BinaryPrimitives.ReadUInt32BigEndian(data.AsSpan(56)) switch
        {
            0 or 1 => new UTF8Encoding(false, throwOnInvalidBytes: false),
            2 => new UnicodeEncoding(bigEndian: false, byteOrderMark: false),
            3 => new UnicodeEncoding(bigEndian: true, byteOrderMark: false),
            uint other => throw new SqliteFormatException($"its text encoding {other} is not one SQLite defines"),
        };
        return new SqliteFile(data, pageSize, usable, pageCount, text);
    }

    /// <summary>The root page of the table <paramref name="name"/> from the schema table (page 1), or null.</summary>
    public uint? FindTableRoot(string name)
    {
        foreach (SqliteRow row in ReadTable(1))
        {
            // sqlite_schema columns: type, name, tbl_name, rootpage, sql.
            if (row.Values.Count >= 4 && row.Values[0] is "table" && row.Values[1] is string n
                && string.Equals(n, name, StringComparison.OrdinalIgnoreCase) && row.Values[3] is long root)
            {
                return root is > 0 and <= uint.MaxValue ? (uint)root : throw new SqliteFormatException($"table '{name}' has root page {root}");
            }
        }

        return null;
    }

    /// <summary>
    /// Every row of the table B-tree rooted at <paramref name="rootPage"/>, in rowid order. Values are null, long,
    /// double, string or byte[]. An <c>INTEGER PRIMARY KEY</c> column is stored as null; its value is the rowid.
    /// </summary>
    public IEnumerable<SqliteRow> ReadTable(uint rootPage)
    {
        var visited = new HashSet<uint>();
        var pending = new Stack<uint>();
        pending.Push(rootPage);
        while (pending.Count > 0)
        {
            uint page = pending.Pop();
            Visit(visited, page, "B-tree");
            int start = PageStart(page);
            int header = page == 1 ? 100 : 0;
            byte type = _data[start + header];
            if (type is not (TableInterior or TableLeaf))
            {
                throw new SqliteFormatException($"page {page} has type {type}, not a table B-tree page");
            }

            bool leaf = type == TableLeaf;
            int headerSize = leaf ? 8 : 12;
            int cells = BinaryPrimitives.ReadUInt16BigEndian(_data.AsSpan(start + header + 3));
            int pointers = header + headerSize;
            if (pointers + (2 * cells) > _usable)
            {
                throw new SqliteFormatException($"page {page} claims {cells} cells, more than fit in a page");
            }

            if (leaf)
            {
                for (int i = 0; i < cells; i++)
                {
                    yield return ReadLeafCell(visited, page, CellOffset(page, start, pointers, cells, i));
                }

                continue;
            }

            // Children are pushed right to left so they pop in key order: cells' left children, then the right-most.
            pending.Push(ReadPageNumber(start + header + 8, page));
            for (int i = cells - 1; i >= 0; i--)
            {
                int cell = CellOffset(page, start, pointers, cells, i);
                pending.Push(ReadPageNumber(start + cell, page));
            }
        }
    }

    private SqliteRow ReadLeafCell(HashSet<uint> visited, uint page, int cell)
    {
        int start = PageStart(page);
        int position = start + cell;
        int end = start + _usable;
        ulong payloadSize = ReadVarint(ref position, end, page);
        long rowId = (long)ReadVarint(ref position, end, page);

        // A payload cannot be larger than the file that holds it: anything above is a crafted length.
        if (payloadSize > (ulong)_data.Length)
        {
            throw new SqliteFormatException($"a cell on page {page} declares a {payloadSize}-byte payload, larger than the whole file");
        }

        int total = (int)payloadSize;
        int local = LocalPayloadSize(total);
        if (position + local + (local < total ? 4 : 0) > end)
        {
            throw new SqliteFormatException($"a cell on page {page} runs past the end of its page");
        }

        byte[] payload = new byte[total];
        _data.AsSpan(position, local).CopyTo(payload);
        if (local < total)
        {
            uint next = BinaryPrimitives.ReadUInt32BigEndian(_data.AsSpan(position + local));
            int copied = local;
            while (copied < total)
            {
                if (next == 0)
                {
                    throw new SqliteFormatException($"the overflow chain of a cell on page {page} ends {total - copied} bytes early");
                }

                Visit(visited, next, "overflow");
                int overflow = PageStart(next);
                int chunk = Math.Min(_usable - 4, total - copied);
                _data.AsSpan(overflow + 4, chunk).CopyTo(payload.AsSpan(copied));
                copied += chunk;
                next = BinaryPrimitives.ReadUInt32BigEndian(_data.AsSpan(overflow));
            }
        }

        return new SqliteRow(rowId, ReadRecord(payload, page));
    }

    /// <summary>How much of a table leaf payload stays on the page (the rest goes to overflow pages), per the format.</summary>
    private int LocalPayloadSize(int payload)
    {
        int maxLocal = _usable - 35;
        if (payload <= maxLocal)
        {
            return payload;
        }

        int minLocal = ((_usable - 12) * 32 / 255) - 23;
        int k = minLocal + ((payload - minLocal) % (_usable - 4));
        return k <= maxLocal ? k : minLocal;
    }

    private IReadOnlyList<object?> ReadRecord(byte[] payload, uint page)
    {
        int position = 0;
        ulong headerSize = ReadVarint(payload, ref position, payload.Length, page);
        if (headerSize > (ulong)payload.Length || (int)headerSize < position)
        {
            throw new SqliteFormatException($"a record on page {page} has a header of {headerSize} bytes in a {payload.Length}-byte payload");
        }

        var types = new List<ulong>();
        while (position < (int)headerSize)
        {
            types.Add(ReadVarint(payload, ref position, (int)headerSize, page));
        }

        var values = new object?[types.Count];
        int body = (int)headerSize;
        for (int i = 0; i < types.Count; i++)
        {
            ulong serial = types[i];
            int size = serial switch
            {
                0 or 8 or 9 => 0,
                1 => 1, 2 => 2, 3 => 3, 4 => 4, 5 => 6, 6 or 7 => 8,
                >= 12 when (serial - 12) / 2 <= (ulong)payload.Length => (int)((serial - 12) / 2),
                >= 12 => int.MaxValue,
                _ => throw new SqliteFormatException($"a record on page {page} uses the reserved serial type {serial}"),
            };
            if (size > payload.Length - body)
            {
                throw new SqliteFormatException($"a record on page {page} has a value that runs past its payload");
            }

            ReadOnlySpan<byte> bytes = payload.AsSpan(body, size);
            values[i] = serial switch
            {
                0 => null,
                8 => 0L,
                9 => 1L,
                >= 1 and <= 6 => ReadSignedBigEndian(bytes),
                7 => BitConverter.Int64BitsToDouble(BinaryPrimitives.ReadInt64BigEndian(bytes)),
                _ when serial % 2 == 0 => bytes.ToArray(),
                _ => _text.GetString(bytes),
            };
            body += size;
        }

        return values;
    }

    private static long ReadSignedBigEndian(ReadOnlySpan<byte> bytes)
    {
        long value = (sbyte)bytes[0];
        for (int i = 1; i < bytes.Length; i++)
        {
            value = (value << 8) | bytes[i];
        }

        return value;
    }

    /// <summary>A cell lies after the cell pointer array and holds at least 4 bytes (a child page number, or two varints).</summary>
    private int CellOffset(uint page, int start, int pointers, int cells, int index)
    {
        int offset = BinaryPrimitives.ReadUInt16BigEndian(_data.AsSpan(start + pointers + (2 * index)));
        if (offset < pointers + (2 * cells) || offset > _usable - 4)
        {
            throw new SqliteFormatException($"cell {index} of page {page} points to offset {offset}, outside the page's cell area");
        }

        return offset;
    }

    private uint ReadPageNumber(int position, uint page)
    {
        uint number = BinaryPrimitives.ReadUInt32BigEndian(_data.AsSpan(position));
        return number != 0 ? number : throw new SqliteFormatException($"page {page} points to page 0");
    }

    private void Visit(HashSet<uint> visited, uint page, string kind)
    {
        if (page == 0 || page > _pageCount)
        {
            throw new SqliteFormatException($"a {kind} pointer names page {page}, but the file has {_pageCount} pages (the file is truncated or corrupt)");
        }

        if (!visited.Add(page))
        {
            throw new SqliteFormatException($"page {page} is reached twice (cyclic or shared {kind} page pointers)");
        }
    }

    private int PageStart(uint page) => (int)((page - 1) * (long)_pageSize);

    private ulong ReadVarint(ref int position, int end, uint page) => ReadVarint(_data, ref position, end, page);

    /// <summary>SQLite's big-endian varint: 7 bits a byte for up to 8 bytes with the high bit meaning "more", then 8 bits.</summary>
    private static ulong ReadVarint(byte[] data, ref int position, int end, uint page)
    {
        ulong value = 0;
        for (int i = 0; i < 9; i++)
        {
            if (position >= end)
            {
                throw new SqliteFormatException($"a number on page {page} runs past the end of its page or record");
            }

            byte b = data[position++];
            if (i == 8)
            {
                return (value << 8) | b;
            }

            value = (value << 7) | (uint)(b & 0x7F);
            if ((b & 0x80) == 0)
            {
                return value;
            }
        }

        return value;
    }
}

/// <summary>One row of a table: its rowid and column values in declaration order.</summary>
internal sealed record SqliteRow(long RowId, IReadOnlyList<object?> Values);

/// <summary>The bytes are not a well-formed SQLite database; the message says what is wrong, for a coded diagnostic.</summary>
internal sealed class SqliteFormatException(string message) : Exception(message);
