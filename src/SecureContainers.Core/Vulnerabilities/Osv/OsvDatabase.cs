using System.IO.Compression;
using SecureContainers.Core.Diagnostics;

namespace SecureContainers.Core.Vulnerabilities.Osv;

/// <summary>Bounds on what reading a database may cost: a hostile or corrupt file is reported, never exhausts memory.</summary>
public sealed record OsvDatabaseLimits
{
    /// <summary>One record (a JSON file or zip entry, uncompressed). Debian's largest records, with their version lists, are a few hundred KB.</summary>
    public long MaxRecordBytes { get; init; } = 8L * 1024 * 1024;

    /// <summary>All records together: osv.dev's Debian archive holds about 100,000.</summary>
    public int MaxRecords { get; init; } = 2_000_000;

    /// <summary>Malformed records reported one by one; the rest are counted in one SC7205.</summary>
    public int MaxReportedProblems { get; init; } = 20;
}

/// <summary>
/// An offline OSV database, read once and indexed by ecosystem and package name. The path is a folder of OSV JSON files,
/// osv-scanner's offline layout (<c>&lt;folder&gt;/&lt;Ecosystem&gt;/all.zip</c>, also under <c>osv-scanner/</c>), a mix of
/// both, or one zip or JSON file. Zip entries are streamed one at a time with a size cap; a malformed record is reported
/// (SC7201) and skipped, withdrawn records are ignored.
/// </summary>
public sealed class OsvDatabase
{
    private readonly Dictionary<(string Ecosystem, string Name), List<(OsvRecord Record, OsvAffected Affected, OsvVersionScheme Scheme)>> _index;

    private OsvDatabase(string path, Dictionary<(string, string), List<(OsvRecord, OsvAffected, OsvVersionScheme)>> index, HashSet<string> ecosystems, int records, int withdrawn, DateTimeOffset? newestModified)
    {
        NewestModified = newestModified;
        Path = path;
        _index = index;
        Ecosystems = ecosystems;
        RecordCount = records;
        WithdrawnCount = withdrawn;
    }

    public string Path { get; }

    /// <summary>The normalized ecosystems (<see cref="OsvEcosystem.TryNormalize"/>) at least one record names.</summary>
    public IReadOnlySet<string> Ecosystems { get; }

    public int RecordCount { get; }

    public int WithdrawnCount { get; }

    /// <summary>
    /// The newest <c>modified</c> among the records: the database's age. A zip's own timestamp says when it was
    /// copied, not when osv.dev last exported into it, so the records' dates are what staleness is measured by.
    /// </summary>
    public DateTimeOffset? NewestModified { get; }

    /// <summary>Reads and indexes the database; problems go to <paramref name="sink"/>. Null when the path cannot be read at all (SC7200).</summary>
    /// <param name="indexCacheDirectory">
    /// The cache directory (the layer cache's): each zip's parsed records are kept under <c>osv-index/</c> by the zip's
    /// SHA-256 and read from there next time. Null reads every archive in full.
    /// </param>
    public static OsvDatabase? Load(string path, OsvDatabaseLimits limits, IDiagnosticSink sink, CancellationToken cancellationToken = default, string? indexCacheDirectory = null)
    {
        ArgumentNullException.ThrowIfNull(limits);
        Loader loader = new(path, limits, sink, cancellationToken, indexCacheDirectory);
        try
        {
            if (Directory.Exists(path))
            {
                foreach (string file in Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
                {
                    if (!loader.ReadFile(file, System.IO.Path.GetRelativePath(path, file).Replace('\\', '/')))
                    {
                        break;
                    }
                }
            }
            else if (File.Exists(path))
            {
                loader.ReadFile(path, System.IO.Path.GetFileName(path));
            }
            else
            {
                sink.Report(OsvDiagnostics.DatabaseNotFound.Create(path, "no such file or folder"));
                return null;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            sink.Report(OsvDiagnostics.DatabaseNotFound.Create(path, e.Message));
            return null;
        }

        return loader.Finish();
    }

    /// <summary>Each record entry for <paramref name="name"/> in the normalized <paramref name="ecosystem"/>.</summary>
    internal IReadOnlyList<(OsvRecord Record, OsvAffected Affected, OsvVersionScheme Scheme)> For(string ecosystem, string name) =>
        _index.TryGetValue((ecosystem, name), out var list) ? list : [];

    private sealed class Loader(string root, OsvDatabaseLimits limits, IDiagnosticSink sink, CancellationToken ct, string? indexCache)
    {
        // An index is our own file, but a cache directory can be shared: it is read with a cap like everything else.
        private const long MaxIndexBytes = 2L * 1024 * 1024 * 1024;

        private readonly Dictionary<(string, string), List<(OsvRecord, OsvAffected, OsvVersionScheme)>> _index = new();
        private readonly HashSet<string> _ecosystems = new(StringComparer.Ordinal);
        private int _records;
        private int _withdrawn;
        private DateTimeOffset? _newest;
        private int _problems;
        private bool _full;

        /// <summary>False once the record cap is reached: nothing more is read.</summary>
        public bool ReadFile(string file, string origin)
        {
            if (file.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
            {
                long length = new FileInfo(file).Length;
                if (length > limits.MaxRecordBytes)
                {
                    Problem(OsvDiagnostics.RecordTooLarge.Create(origin, length, limits.MaxRecordBytes));
                    return true;
                }

                return Add(File.ReadAllBytes(file), origin);
            }

            if (file.EndsWith(".zip", StringComparison.OrdinalIgnoreCase))
            {
                return ReadZip(file, origin);
            }

            return true;
        }

        private bool ReadZip(string file, string origin)
        {
            string? cachePath = null;
            if (indexCache is not null)
            {
                try
                {
                    cachePath = OsvIndexCache.PathFor(indexCache, file);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    // Unreadable here means unreadable below too: the archive read reports it.
                }

                if (cachePath is not null && File.Exists(cachePath))
                {
                    if (OsvIndexCache.TryRead(cachePath, origin, MaxIndexBytes, out List<OsvRecord> cached, out string error))
                    {
                        foreach (OsvRecord record in cached)
                        {
                            if (!AddRecord(record))
                            {
                                return false;
                            }
                        }

                        return true;
                    }

                    sink.Report(OsvDiagnostics.IndexCacheUnreadable.Create(origin, cachePath, error, System.IO.Path.GetDirectoryName(cachePath)));
                }
            }

            // Only an archive read in full and without a skipped record is cached, so its problems are reported every time.
            List<OsvRecord>? collected = cachePath is null ? null : [];
            int problemsBefore = _problems;
            try
            {
                using ZipArchive zip = ZipFile.OpenRead(file);
                byte[] buffer = new byte[64 * 1024];
                foreach (ZipArchiveEntry entry in zip.Entries)
                {
                    ct.ThrowIfCancellationRequested();
                    if (!entry.FullName.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
                    {
                        continue;
                    }

                    string name = origin + "!" + entry.FullName;
                    if (entry.Length > limits.MaxRecordBytes)
                    {
                        Problem(OsvDiagnostics.RecordTooLarge.Create(name, entry.Length, limits.MaxRecordBytes));
                        continue;
                    }

                    // The declared size can lie: read at most one byte past the cap.
                    using Stream stream = entry.Open();
                    using MemoryStream content = new((int)Math.Min(entry.Length, limits.MaxRecordBytes));
                    int read;
                    while ((read = stream.Read(buffer, 0, (int)Math.Min(buffer.Length, limits.MaxRecordBytes + 1 - content.Length))) > 0)
                    {
                        content.Write(buffer, 0, read);
                        if (content.Length > limits.MaxRecordBytes)
                        {
                            break;
                        }
                    }

                    if (content.Length > limits.MaxRecordBytes)
                    {
                        Problem(OsvDiagnostics.RecordTooLarge.Create(name, $"more than {limits.MaxRecordBytes}", limits.MaxRecordBytes));
                        continue;
                    }

                    if (!Add(content.GetBuffer().AsMemory(0, (int)content.Length), name, collected))
                    {
                        return false;
                    }
                }
            }
            catch (InvalidDataException e)
            {
                sink.Report(OsvDiagnostics.UnreadableArchive.Create(origin, e.Message));
                return true;
            }

            if (collected is not null && _problems == problemsBefore)
            {
                OsvIndexCache.TryWrite(cachePath!, collected, origin);
            }

            return true;
        }

        private bool Add(ReadOnlyMemory<byte> json, string origin, List<OsvRecord>? collected = null)
        {
            if (_records >= limits.MaxRecords)
            {
                return AddRecord(null);
            }

            if (!OsvRecordParser.TryParse(json, origin, out OsvRecord? record, out string error))
            {
                Problem(OsvDiagnostics.MalformedRecord.Create(origin, error));
                return true;
            }

            collected?.Add(record!);
            return AddRecord(record);
        }

        /// <summary>Indexes a parsed record; null only to report the record cap. False once the cap is reached.</summary>
        private bool AddRecord(OsvRecord? record)
        {
            if (record is null || _records >= limits.MaxRecords)
            {
                if (!_full)
                {
                    sink.Report(OsvDiagnostics.TooManyRecords.Create(root, limits.MaxRecords));
                    _full = true;
                }

                return false;
            }

            _records++;
            if (record!.Modified is { } modified && (_newest is null || modified > _newest))
            {
                _newest = modified;
            }

            if (record!.Withdrawn is not null)
            {
                _withdrawn++;
                return true;
            }

            foreach (OsvAffected affected in record.Affected)
            {
                if (!OsvEcosystem.TryNormalize(affected.Ecosystem, out string key, out OsvVersionScheme scheme))
                {
                    continue;
                }

                string name = scheme == OsvVersionScheme.NuGet ? affected.Name.ToLowerInvariant() : affected.Name;
                if (!_index.TryGetValue((key, name), out var list))
                {
                    _index[(key, name)] = list = [];
                }

                list.Add((record, affected, scheme));
                _ecosystems.Add(key);
            }

            return true;
        }

        private void Problem(Diagnostic diagnostic)
        {
            if (++_problems <= limits.MaxReportedProblems)
            {
                sink.Report(diagnostic);
            }
        }

        public OsvDatabase Finish()
        {
            if (_problems > limits.MaxReportedProblems)
            {
                sink.Report(OsvDiagnostics.MoreSkippedRecords.Create(_problems - limits.MaxReportedProblems, root));
            }

            sink.Report(OsvDiagnostics.DatabaseRead.Create(root, _records, _withdrawn, _ecosystems.Count));
            return new OsvDatabase(root, _index, _ecosystems, _records, _withdrawn, _newest);
        }
    }
}
