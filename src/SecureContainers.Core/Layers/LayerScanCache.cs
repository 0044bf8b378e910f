using System.Text.Json;
using SecureContainers.Core.Oci;

namespace SecureContainers.Core.Layers;

/// <summary>
/// Content-addressed cache of <see cref="LayerScanResult"/>s, one JSON file per layer at
/// <c>&lt;directory&gt;/&lt;algorithm&gt;/&lt;hex&gt;.json</c>. A layer's digest fixes its bytes, so a result never goes
/// stale; a hit spares the download and the decompression. Files are written to a unique temporary name and moved
/// into place, so concurrent builds writing the same layer never expose a half-written file. Anything unreadable
/// (corrupt, truncated, another format version, another digest) is treated as a miss and rewritten. What one instance
/// read or stored it also keeps in memory, so a build that shares one instance between its steps parses each entry once.
/// </summary>
public sealed class LayerScanCache
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<Digest, LayerScanResult> _loaded = new();
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, ImageContentsReport> _reports = new(StringComparer.Ordinal);

    public LayerScanCache(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        Directory = Path.GetFullPath(directory);
    }

    public string Directory { get; }

    /// <summary>
    /// <c>$XDG_CACHE_HOME/securecontainers/layers</c>, else <c>~/.cache/securecontainers/layers</c>. The MSBuild side
    /// overrides it with <c>SecureContainerCacheDirectory</c>.
    /// </summary>
    public static string DefaultDirectory
    {
        get
        {
            string? xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
            string root = !string.IsNullOrEmpty(xdg) && Path.IsPathFullyQualified(xdg)
                ? xdg
                : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
            return Path.Combine(root, "securecontainers", "layers");
        }
    }

    /// <summary>The file a layer's result lives in. Safe to build from the digest: <see cref="Digest"/> is validated hex.</summary>
    public string GetPath(Digest digest) => Path.Combine(Directory, digest.Algorithm, digest.Hex + ".json");

    public async Task<LayerScanResult?> TryGetAsync(Digest digest, CancellationToken ct)
    {
        if (_loaded.TryGetValue(digest, out LayerScanResult? kept))
        {
            return kept;
        }

        string path = GetPath(digest);
        try
        {
            await using FileStream stream = new(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 65536, useAsync: true);
            LayerScanResult? result = await JsonSerializer.DeserializeAsync(stream, LayerScanJsonContext.Default.LayerScanResult, ct).ConfigureAwait(false);
            if (result is null || !IsWellFormed(result, digest))
            {
                return null;
            }

            _loaded.TryAdd(digest, result);
            return result;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException or NotSupportedException)
        {
            // A missing, locked or corrupt entry is a miss: the layer is scanned again and the entry rewritten.
            return null;
        }
    }

    /// <summary>An image's contents this instance analyzed already (<see cref="ImageInspector"/>), by its layers and limits.</summary>
    internal ImageContentsReport? TryGetReport(string key) => _reports.TryGetValue(key, out ImageContentsReport? report) ? report : null;

    internal void KeepReport(string key, ImageContentsReport report) => _reports.TryAdd(key, report);

    /// <summary>Stores a result. A cache that cannot be written (read-only, disk full) only costs the next build time.</summary>
    public async Task StoreAsync(LayerScanResult result, CancellationToken ct)
    {
        _loaded.TryAdd(result.Digest, result);
        string path = GetPath(result.Digest);
        string temp = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        try
        {
            System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            await using (FileStream stream = new(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 65536, useAsync: true))
            {
                await JsonSerializer.SerializeAsync(stream, result, LayerScanJsonContext.Default.LayerScanResult, ct).ConfigureAwait(false);
            }

            // rename(2) replaces atomically: readers see the old file or the new one, never a mix.
            File.Move(temp, path, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDelete(temp);
        }
        catch (OperationCanceledException)
        {
            TryDelete(temp);
            throw;
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Left-over temporary files are harmless; the next store uses a new name.
        }
    }

    /// <summary>
    /// Deserialization does not enforce non-null members or normalized paths, and the merge relies on both; a file
    /// that fails either is treated as corrupt.
    /// </summary>
    private static bool IsWellFormed(LayerScanResult r, Digest expected)
    {
        if (r.FormatVersion != LayerScanResult.CurrentFormatVersion || r.Digest != expected || r.MediaType is null
            || r.Entries is null || r.Whiteouts is null || r.OpaqueDirectories is null || r.CapturedFiles is null || r.UncompressedSize < 0)
        {
            return false;
        }

        foreach (LayerEntry e in r.Entries)
        {
            if (e is null || e.Path is null || !LayerPath.IsNormalized(e.Path) || !Enum.IsDefined(e.Type)
                || (e.Type == LayerEntryType.HardLink && (e.LinkTarget is null || !LayerPath.IsNormalized(e.LinkTarget))))
            {
                return false;
            }
        }

        return r.Whiteouts.All(p => p is not null && LayerPath.IsNormalized(p) && p != LayerPath.Root)
            && r.OpaqueDirectories.All(p => p is not null && LayerPath.IsNormalized(p))
            && r.CapturedFiles.All(f => f is not null && f.Path is not null && f.Content is not null && LayerPath.IsNormalized(f.Path));
    }
}
