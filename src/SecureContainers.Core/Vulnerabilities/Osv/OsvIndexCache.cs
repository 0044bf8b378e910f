using System.Security.Cryptography;
using System.Text;

namespace SecureContainers.Core.Vulnerabilities.Osv;

/// <summary>
/// The parsed records of one osv-scanner <c>all.zip</c>, cached on disk under <c>&lt;cache&gt;/osv-index/&lt;sha256 of the
/// zip&gt;.bin</c>: the next load of the same archive reads compact binary records instead of inflating and parsing every
/// JSON entry. Keyed by content, not path or time, so a re-downloaded archive with new records is a miss, and the same
/// archive copied elsewhere a hit. A file that cannot be read back exactly (truncated, corrupt, another format version)
/// is a miss; the caller rebuilds and rewrites it.
/// </summary>
internal static class OsvIndexCache
{
    // Bumped whenever OsvRecord or the parser's reading of a record changes, so an old cache is rebuilt, never misread.
    private static readonly byte[] Magic = "SCOSVIX1"u8.ToArray();
    private const int EndMarker = 0x21444E45; // "END!"

    public const string FolderName = "osv-index";

    /// <summary>Where the index of the archive at <paramref name="zip"/> lives: its SHA-256, hex, hashed as it is streamed.</summary>
    public static string PathFor(string cacheDirectory, string zip)
    {
        using FileStream stream = new(zip, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        return Path.Combine(cacheDirectory, FolderName, Convert.ToHexStringLower(SHA256.HashData(stream)) + ".bin");
    }

    /// <summary>The cached records, their origins under <paramref name="origin"/>; false with the reason when the file is unusable.</summary>
    public static bool TryRead(string path, string origin, long maxBytes, out List<OsvRecord> records, out string error)
    {
        records = [];
        try
        {
            using FileStream stream = new(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
            if (stream.Length > maxBytes)
            {
                error = $"it is {stream.Length} bytes, over the {maxBytes}-byte limit";
                return false;
            }

            using BinaryReader reader = new(stream, Encoding.UTF8);
            if (!reader.ReadBytes(Magic.Length).AsSpan().SequenceEqual(Magic))
            {
                error = "it is not an index of this version";
                return false;
            }

            int count = reader.ReadInt32();
            if (count < 0 || count > stream.Length)
            {
                error = "its record count is impossible";
                return false;
            }

            records.Capacity = count;
            for (int i = 0; i < count; i++)
            {
                records.Add(ReadRecord(reader, origin));
            }

            if (reader.ReadInt32() != EndMarker || stream.Position != stream.Length)
            {
                error = "it does not end where it should";
                return false;
            }

            error = string.Empty;
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or ArgumentException or OverflowException or InvalidDataException)
        {
            error = e.Message;
            records = [];
            return false;
        }
    }

    /// <summary>Writes the index through a temporary file and a rename, so a reader never sees half of one; failures are ignored (it is only a cache).</summary>
    public static void TryWrite(string path, IReadOnlyList<OsvRecord> records, string origin)
    {
        string temp = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            using (FileStream stream = new(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            using (BinaryWriter writer = new(stream, Encoding.UTF8))
            {
                writer.Write(Magic);
                writer.Write(records.Count);
                foreach (OsvRecord record in records)
                {
                    WriteRecord(writer, record, origin);
                }

                writer.Write(EndMarker);
            }

            File.Move(temp, path, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            try
            {
                File.Delete(temp);
            }
            catch (Exception cleanup) when (cleanup is IOException or UnauthorizedAccessException)
            {
                // Nothing to do: a stray temporary file is never read.
            }
        }
    }

    private static void WriteRecord(BinaryWriter w, OsvRecord r, string origin)
    {
        // Origins are stored without the archive's own path, which is not part of its content.
        w.Write(r.Origin.StartsWith(origin + "!", StringComparison.Ordinal) ? r.Origin[(origin.Length + 1)..] : r.Origin);
        w.Write(r.Id);
        WriteList(w, r.Aliases);
        WriteTime(w, r.Modified);
        WriteTime(w, r.Withdrawn);
        WriteNullable(w, r.Summary);
        w.Write((int)r.Severity.Level);
        w.Write(r.Severity.Score.HasValue);
        w.Write(r.Severity.Score ?? 0);
        WriteNullable(w, r.Severity.Vector);
        w.Write(r.Severity.Basis);
        w.Write(r.Affected.Count);
        foreach (OsvAffected a in r.Affected)
        {
            w.Write(a.Ecosystem);
            w.Write(a.Name);
            w.Write(a.Ranges.Count);
            foreach (OsvRange range in a.Ranges)
            {
                w.Write((int)range.Type);
                w.Write(range.Events.Count);
                foreach (OsvEvent e in range.Events)
                {
                    w.Write((int)e.Kind);
                    w.Write(e.Version);
                }
            }

            WriteList(w, a.Versions);
        }
    }

    private static OsvRecord ReadRecord(BinaryReader r, string origin)
    {
        string entry = r.ReadString();
        string id = r.ReadString();
        string[] aliases = ReadList(r);
        DateTimeOffset? modified = ReadTime(r);
        DateTimeOffset? withdrawn = ReadTime(r);
        string? summary = ReadNullable(r);
        VulnerabilitySeverity level = Enum<VulnerabilitySeverity>(r.ReadInt32());
        bool hasScore = r.ReadBoolean();
        double score = r.ReadDouble();
        string? vector = ReadNullable(r);
        string basis = r.ReadString();
        OsvAffected[] affected = new OsvAffected[Count(r)];
        for (int i = 0; i < affected.Length; i++)
        {
            string ecosystem = r.ReadString();
            string name = r.ReadString();
            OsvRange[] ranges = new OsvRange[Count(r)];
            for (int j = 0; j < ranges.Length; j++)
            {
                OsvRangeType type = Enum<OsvRangeType>(r.ReadInt32());
                OsvEvent[] events = new OsvEvent[Count(r)];
                for (int k = 0; k < events.Length; k++)
                {
                    events[k] = new OsvEvent(Enum<OsvEventKind>(r.ReadInt32()), r.ReadString());
                }

                ranges[j] = new OsvRange(type, events);
            }

            affected[i] = new OsvAffected(ecosystem, name, ranges, ReadList(r));
        }

        return new OsvRecord
        {
            Id = id,
            Aliases = aliases,
            Modified = modified,
            Withdrawn = withdrawn,
            Summary = summary,
            Severity = level == VulnerabilitySeverity.Unknown && !hasScore && vector is null && basis == OsvSeverity.Unknown.Basis
                ? OsvSeverity.Unknown
                : new OsvSeverity(level, hasScore ? score : null, vector, basis),
            Affected = affected,
            Origin = origin + "!" + entry,
        };
    }

    private static int Count(BinaryReader r)
    {
        int count = r.ReadInt32();

        // Every element takes at least one byte, so a count past the end of the file is corruption, not a huge allocation.
        return count >= 0 && count <= r.BaseStream.Length - r.BaseStream.Position
            ? count
            : throw new InvalidDataException($"a count of {count} does not fit in the file");
    }

    // A range check, not Enum.IsDefined: this runs for every event of every record.
    private static T Enum<T>(int value) where T : struct, Enum =>
        value >= 0 && value < EnumCount<T>.Value ? (T)(object)value : throw new InvalidDataException($"{value} is not a {typeof(T).Name}");

    private static class EnumCount<T> where T : struct, Enum
    {
        public static readonly int Value = System.Enum.GetValues<T>().Length;
    }

    private static void WriteList(BinaryWriter w, IReadOnlyList<string> values)
    {
        w.Write(values.Count);
        foreach (string value in values)
        {
            w.Write(value);
        }
    }

    private static string[] ReadList(BinaryReader r)
    {
        string[] values = new string[Count(r)];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = r.ReadString();
        }

        return values;
    }

    private static void WriteNullable(BinaryWriter w, string? value)
    {
        w.Write(value is not null);
        w.Write(value ?? string.Empty);
    }

    private static string? ReadNullable(BinaryReader r)
    {
        bool present = r.ReadBoolean();
        string value = r.ReadString();
        return present ? value : null;
    }

    private static void WriteTime(BinaryWriter w, DateTimeOffset? time)
    {
        w.Write(time.HasValue);
        w.Write(time?.UtcTicks ?? 0);
    }

    private static DateTimeOffset? ReadTime(BinaryReader r)
    {
        bool present = r.ReadBoolean();
        long ticks = r.ReadInt64();
        return present ? new DateTimeOffset(ticks, TimeSpan.Zero) : null;
    }
}
